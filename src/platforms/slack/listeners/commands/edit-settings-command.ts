import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { UserFacingError } from "../../../../core/errors/user-facing-error.js";
import { parseSettingsText, SETTINGS_NOT_ALLOWED } from "../../../../core/team/channel-settings.js";
import { isChannelModerator } from "../../slack-moderators.js";
import { settingsModal } from "../../slack-settings-modal.js";
import { slackText } from "../../slack-text.js";
import type { ListenerDeps } from "../listener-deps.js";

/**
 * `/edit-settings`: a moderator gets the settings modal (prefilled); anyone else sees the channel's
 * defaults and who may change them. `/edit-settings strength=0.6 …` changes them in one go, for
 * moderators, and the change is announced in the channel.
 */
export function editSettingsCommand(deps: ListenerDeps) {
  return async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("/edit-settings", async () => {
      const scope = { platform: "slack", workspaceId: command.team_id, channelId: command.channel_id };
      const actor = await deps.actors.actor(command.team_id, command.user_id);
      const moderator = await isChannelModerator(client, deps.logger, actor, command.channel_id);
      const text = command.text.trim();
      if (!text) {
        if (moderator) {
          // The trigger_id lives 3 s; the settings read is one Redis GET.
          await client.views.open({
            trigger_id: command.trigger_id,
            view: settingsModal(command.channel_id, await deps.team.settingsOf(scope)),
          });
          return;
        }
        await respond({
          response_type: "ephemeral",
          text: slackText(`${await deps.team.showSettings(scope)}\n${SETTINGS_NOT_ALLOWED}`),
        });
        return;
      }
      let patch: ReturnType<typeof parseSettingsText>;
      try {
        patch = parseSettingsText(text);
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        await respond({ response_type: "ephemeral", text: slackText(err.userMessage) });
        return;
      }
      const outcome = await deps.team.changeSettings(scope, { ...actor, canModerate: moderator }, patch);
      await respond({ response_type: "ephemeral", text: slackText(outcome.message) });
      if (outcome.announce) await deps.adapter.announce(command.channel_id, outcome.announce);
    });
  };
}

/**
 * `/edit-history`: Slack does not run slash commands inside threads, so in a channel this says how
 * to ask in the thread (mention the bot with "history"); the list itself is the mention's answer.
 */
export function editHistoryCommand(deps: ListenerDeps) {
  return async ({ ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await deps.work.run("/edit-history", async () => {
      await respond({ response_type: "ephemeral", text: slackText(SLACK_HISTORY_HINT) });
    });
  };
}

export const SLACK_HISTORY_HINT =
  "Slack doesn't run slash commands inside threads: in the thread of an edit, write @rf-edit history to list its chain of edits.";
