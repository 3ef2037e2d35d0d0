import type { Actor } from "../../core/types.js";
import { PLAYGROUND_WORKSPACE } from "./playground-adapter.js";

/** A browser tab: the id it made up for itself and the display name its person picked. */
export interface PlaygroundUser {
  id: string;
  name: string;
}

const USER_ID = /^[A-Za-z0-9_-]{4,64}$/;

/** Checks what a tab sends about itself; null when the id is not one the page would make. */
export function parseUser(id: unknown, name: unknown): PlaygroundUser | null {
  if (typeof id !== "string" || !USER_ID.test(id) || id === "rf-edit") return null;
  const clean =
    typeof name === "string"
      ? name
          .replace(/[\p{C}]/gu, "")
          .trim()
          .slice(0, 40)
      : "";
  return { id, name: clean || `guest-${id.slice(0, 4)}` };
}

/** Everyone in the playground is an equal member: no moderators, no bots. */
export function actorFor(user: PlaygroundUser): Actor {
  return {
    platform: "playground",
    workspaceId: PLAYGROUND_WORKSPACE,
    userId: user.id,
    userName: user.name,
    isBot: false,
    canModerate: false,
  };
}
