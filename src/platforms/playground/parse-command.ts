/** What someone typed in the playground's message box. */
export type ParsedCommand =
  | { kind: "edit"; prompt: string; strength?: number; seed?: number }
  | { kind: "queue" }
  | { kind: "help" }
  | { kind: "settings"; args: string }
  | { kind: "history" }
  | { kind: "chat"; text: string };

/**
 * `/edit <prompt> [strength]`: a trailing decimal (0.7, .7, 1.0) or `strength:0.7` anywhere is the
 * strength, `seed:42` the seed. A bare whole number at the end stays in the prompt ("add 2 cats"),
 * so only a decimal is read as a strength. Out-of-range values are passed on: the core answers them.
 */
export function parseCommand(text: string): ParsedCommand {
  const trimmed = text.trim();
  const m = /^\/(edit|queue|edit-queue|help|edit-settings|edit-history)(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (!m) return { kind: "chat", text: trimmed };
  const name = m[1].toLowerCase();
  if (name === "queue" || name === "edit-queue") return { kind: "queue" };
  if (name === "help") return { kind: "help" };
  if (name === "edit-settings") return { kind: "settings", args: (m[2] ?? "").trim() };
  if (name === "edit-history") return { kind: "history" };
  return { kind: "edit", ...parseEditArgs(m[2] ?? "") };
}

/** The prompt part of `/edit`, also what "Edit again" takes. */
export function parseEditArgs(args: string): { prompt: string; strength?: number; seed?: number } {
  let rest = ` ${args} `;
  let strength: number | undefined;
  let seed: number | undefined;
  rest = rest.replace(/\s(?:strength|s)[:=](-?\d*\.?\d+)(?=\s)/i, (_all, v: string) => {
    strength = Number(v);
    return " ";
  });
  rest = rest.replace(/\sseed[:=](-?\d+)(?=\s)/i, (_all, v: string) => {
    seed = Number(v);
    return " ";
  });
  if (strength === undefined) {
    rest = rest.replace(/\s(-?\d*\.\d+)\s*$/, (_all, v: string) => {
      strength = Number(v);
      return " ";
    });
  }
  return { prompt: rest.replace(/\s+/g, " ").trim(), strength, seed };
}
