/** One message of the playground channel, as the page draws it and Redis keeps it. */
export interface PlaygroundMessage {
  id: string;
  seq: number;
  /** The id of the thread's first message when this one is a reply in a thread. */
  threadId?: string;
  author: { id: string; name: string; bot: boolean };
  text: string;
  image?: { sha: string; name?: string };
  controls: { id: string; label: string }[];
  reactions: { emoji: string; users: string[] }[];
  /** Set on results: the page shows these next to the picture. */
  job?: { jobId: string; prompt: string; strength: number; seed: number; isDemo: boolean; model: string };
  /** Team editing: a Try-strengths grid or a before/after comparison instead of a plain result. */
  kind?: "grid" | "compare";
  createdAt: number;
  editedAt?: number;
}

export type NewMessage = Omit<PlaygroundMessage, "id" | "seq" | "createdAt" | "controls" | "reactions"> &
  Partial<Pick<PlaygroundMessage, "controls" | "reactions">>;

/** The bot's own author entry: reactions it adds and messages it writes carry this id. */
export const BOT_AUTHOR = { id: "rf-edit", name: "rf-edit", bot: true } as const;
