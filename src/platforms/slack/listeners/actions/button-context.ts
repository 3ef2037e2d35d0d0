import type { BlockAction, ButtonAction } from "@slack/bolt";
import { parseControlId } from "../../../../core/rerun-action.js";

/** Where a pressed button sits and which job it names (its action_id carries both action and job). */
export function buttonContext(body: BlockAction, action: ButtonAction) {
  const control = parseControlId(action.action_id);
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  return {
    control,
    teamId: body.team?.id ?? body.user.team_id ?? "",
    userId: body.user.id,
    channel: body.channel?.id ?? body.container?.channel_id ?? "",
    threadTs: message?.thread_ts ?? message?.ts,
  };
}
