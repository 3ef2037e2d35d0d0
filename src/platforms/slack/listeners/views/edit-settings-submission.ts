import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { UserFacingError } from "../../../../core/errors/user-facing-error.js";
import { parseSetting, SETTING_FIELDS, type SettingsPatch } from "../../../../core/team/channel-settings.js";
import { isChannelModerator } from "../../slack-moderators.js";
import { tellUser } from "../../tell-user.js";
import type { ListenerDeps } from "../listener-deps.js";

type Values = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value?: string } | null }>
>;

/** The settings modal's Save: checked field by field (errors stay in the modal), then applied. */
export function editSettingsSubmission(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    view,
    client,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const values = view.state.values as Values;
    const patch: SettingsPatch = {};
    for (const field of SETTING_FIELDS) {
      const v = values[field]?.value;
      const raw = v?.selected_option?.value ?? v?.value ?? "";
      if (!raw) continue;
      try {
        (patch as Record<string, unknown>)[field] = parseSetting(field, raw);
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        await ack({ response_action: "errors", errors: { [field]: err.userMessage } });
        return;
      }
    }
    await ack();
    await deps.work.run("settings modal", async () => {
      const channelId = view.private_metadata;
      const teamId = body.team?.id ?? body.user.team_id ?? "";
      const actor = await deps.actors.actor(teamId, body.user.id);
      const moderator = await isChannelModerator(client, deps.logger, actor, channelId);
      const scope = { platform: "slack", workspaceId: teamId, channelId };
      const outcome = await deps.team.changeSettings(scope, { ...actor, canModerate: moderator }, patch);
      if (outcome.announce) await deps.adapter.announce(channelId, outcome.announce);
      else
        await tellUser(client, deps.logger, {
          channel: channelId,
          user: body.user.id,
          text: outcome.message,
        });
    });
  };
}
