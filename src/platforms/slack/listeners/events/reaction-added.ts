import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { reactionAction } from "../../../../core/reaction-rules.js";
import { actionFromEmoji } from "../../../../core/rerun-action.js";
import { teamReaction } from "../../../../core/team/team-controls.js";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";

/**
 * ➖ ➕ :one:…:keycap_ten: 🎲 ✖ on a result (or status) message. The event names only the message,
 * so the core finds the job from it; reactions on any other message are none of our business.
 */
export function reactionAdded(deps: ListenerDeps) {
  return async ({
    event,
    body,
    context,
    client,
  }: SlackEventMiddlewareArgs<"reaction_added"> & AllMiddlewareArgs) => {
    await deps.work.run("reaction_added", async () => {
      if (event.item.type !== "message") return;
      // Cheap test first: most reactions are other emoji and need no users.info call.
      if (!actionFromEmoji(event.reaction) && !teamReaction(event.reaction, "result")) return;
      if (event.user === context.botUserId) return;
      const actor = await deps.actors.actor(body.team_id ?? "", event.user);
      const ref0 = { platform: "slack" as const, channelId: event.item.channel, messageId: event.item.ts };
      // Team reactions first: the core reads them by message kind (1-4 on a grid pick a tile).
      if (!actor.isBot && (await deps.team.reaction(ref0, event.reaction, actor))) return;
      const action = reactionAction(event.reaction, actor, context.botUserId);
      if (!action) return;
      const ref = { platform: "slack" as const, channelId: event.item.channel, messageId: event.item.ts };
      const outcome = await deps.service.rerunFromMessage(ref, action, actor);
      // A refused cancel is not written into the thread by the core; tell the person alone.
      if (outcome && !outcome.ok && action.kind === "cancel") {
        await tellUser(client, deps.logger, {
          channel: event.item.channel,
          user: event.user,
          text: outcome.error.userMessage,
        });
      }
    });
  };
}
