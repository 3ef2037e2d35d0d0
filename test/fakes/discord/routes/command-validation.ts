const CHAT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface RawOption {
  type?: number;
  name?: unknown;
  description?: unknown;
  required?: boolean;
  options?: RawOption[];
  choices?: unknown[];
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
}

/** Discord's checks on bulk-overwritten commands; returns "field.path" → problem, empty when valid. */
export function validateCommands(body: unknown): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!Array.isArray(body)) return { _: "Expected an array of commands." };
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  body.forEach((raw: Record<string, unknown>, i) => {
    const at = String(i);
    const type = raw.type === undefined ? 1 : Number(raw.type);
    perType.set(type, (perType.get(type) ?? 0) + 1);
    const name = typeof raw.name === "string" ? raw.name : "";
    if (![1, 2, 3, 4].includes(type)) problems[`${at}.type`] = "Invalid command type.";
    if (type === 1) {
      if (!CHAT_NAME.test(name) || name !== name.toLowerCase())
        problems[`${at}.name`] = "Invalid command name.";
      const desc = typeof raw.description === "string" ? raw.description : "";
      if (desc.length < 1 || desc.length > 100)
        problems[`${at}.description`] = "Must be between 1 and 100 in length.";
      checkOptions((raw.options ?? []) as RawOption[], `${at}.options`, problems);
    } else {
      if (name.length < 1 || name.length > 32) problems[`${at}.name`] = "Must be between 1 and 32 in length.";
      if (raw.description) problems[`${at}.description`] = "Context menu commands cannot have a description.";
      if (raw.options && (raw.options as unknown[]).length > 0)
        problems[`${at}.options`] = "Context menu commands cannot have options.";
    }
    const key = `${type}:${name}`;
    if (seen.has(key)) problems[`${at}.name`] = "Application command names must be unique.";
    seen.add(key);
  });
  if ((perType.get(1) ?? 0) > 100) problems._ = "Maximum number of chat input commands reached (100).";
  if ((perType.get(2) ?? 0) > 15 || (perType.get(3) ?? 0) > 15)
    problems._ = "Maximum number of context menu commands reached (15).";
  return problems;
}

function checkOptions(options: RawOption[], at: string, problems: Record<string, string>): void {
  if (!Array.isArray(options)) {
    problems[at] = "Must be an array.";
    return;
  }
  if (options.length > 25) problems[at] = "Must be 25 or fewer in length.";
  let optionalSeen = false;
  options.forEach((o, i) => {
    const here = `${at}.${i}`;
    const name = typeof o.name === "string" ? o.name : "";
    if (!CHAT_NAME.test(name) || name !== name.toLowerCase())
      problems[`${here}.name`] = "Invalid option name.";
    const desc = typeof o.description === "string" ? o.description : "";
    if (desc.length < 1 || desc.length > 100)
      problems[`${here}.description`] = "Must be between 1 and 100 in length.";
    if (o.type === undefined || o.type < 1 || o.type > 11) problems[`${here}.type`] = "Invalid option type.";
    if (o.type === 1 || o.type === 2) {
      checkOptions(o.options ?? [], `${here}.options`, problems);
      return;
    }
    if (o.required && optionalSeen)
      problems[`${here}.required`] = "Required options must be placed before non-required options.";
    if (!o.required) optionalSeen = true;
    if (o.choices && o.choices.length > 25) problems[`${here}.choices`] = "Must be 25 or fewer in length.";
    if (o.max_length !== undefined && (o.max_length < 1 || o.max_length > 6000)) {
      problems[`${here}.max_length`] = "Must be between 1 and 6000.";
    }
    if (o.min_length !== undefined && (o.min_length < 0 || o.min_length > 6000)) {
      problems[`${here}.min_length`] = "Must be between 0 and 6000.";
    }
    if (o.min_value !== undefined && o.max_value !== undefined && o.min_value > o.max_value) {
      problems[`${here}.min_value`] = "min_value must not exceed max_value.";
    }
  });
}
