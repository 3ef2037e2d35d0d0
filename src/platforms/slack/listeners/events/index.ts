import type { App } from "@slack/bolt";
import type { ListenerDeps } from "../listener-deps.js";
import { appMention } from "./app-mention.js";
import { reactionAdded } from "./reaction-added.js";

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event("app_mention", appMention(deps));
  app.event("reaction_added", reactionAdded(deps));
}
