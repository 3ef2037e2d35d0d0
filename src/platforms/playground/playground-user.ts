import type { Actor } from "../../core/types.js";
import { PLAYGROUND_WORKSPACE } from "./playground-adapter.js";

/** A browser: the id its signed session cookie stands for, and the display name its person picked. */
export interface PlaygroundUser {
  id: string;
  name: string;
}

/**
 * The person behind a request: the id comes from the session (never from the page), the name is
 * whatever they typed, without control characters, at most 40 characters.
 */
export function userFor(id: string, name: unknown): PlaygroundUser {
  const clean =
    typeof name === "string"
      ? name
          .replace(/[\p{C}]/gu, "")
          .trim()
          .slice(0, 40)
      : "";
  return { id, name: clean || `guest-${id.slice(1, 5)}` };
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
