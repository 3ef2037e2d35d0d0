import type { types } from "@slack/bolt";
import { formatStrength } from "../../core/messages.js";
import type { SettingField } from "../../core/team/channel-settings.js";
import type { ChannelSettings } from "../../queue/channel-settings-store.js";

type View = types.View;

/** The /edit-settings modal: one input per channel default, prefilled with the current values. */
export const SETTINGS_MODAL = "rf_edit_settings_modal";

const KEEP = { text: { type: "plain_text" as const, text: "bot default" }, value: "default" };

function option(text: string, value: string) {
  return { text: { type: "plain_text" as const, text }, value };
}

function select(field: SettingField, label: string, options: ReturnType<typeof option>[], current?: string) {
  const initial = options.find((o) => o.value === current);
  return {
    type: "input" as const,
    block_id: field,
    optional: true,
    label: { type: "plain_text" as const, text: label },
    element: {
      type: "static_select" as const,
      action_id: "value",
      options,
      ...(initial ? { initial_option: initial } : {}),
    },
  };
}

/** `private_metadata` is the channel the settings are for; the submitter is checked again on submit. */
export function settingsModal(channelId: string, s: ChannelSettings): View {
  return {
    type: "modal",
    callback_id: SETTINGS_MODAL,
    private_metadata: channelId,
    title: { type: "plain_text", text: "Channel edit settings" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "strength",
        optional: true,
        label: { type: "plain_text", text: "Default strength (0-1)" },
        element: {
          type: "number_input",
          action_id: "value",
          is_decimal_allowed: true,
          min_value: "0",
          max_value: "1",
          ...(s.strength !== undefined ? { initial_value: formatStrength(s.strength) } : {}),
        },
      },
      {
        type: "input",
        block_id: "steps",
        optional: true,
        label: { type: "plain_text", text: "Default steps" },
        element: {
          type: "number_input",
          action_id: "value",
          is_decimal_allowed: false,
          min_value: "1",
          max_value: "50",
          ...(s.steps !== undefined ? { initial_value: String(s.steps) } : {}),
        },
      },
      select(
        "sampler",
        "Sampler",
        [option("ode (deterministic)", "ode"), option("sde (stochastic)", "sde"), KEEP],
        s.sampler,
      ),
      select(
        "rerun",
        "Who may re-run",
        [option("anyone", "anyone"), option("the requester", "requester"), KEEP],
        s.rerun,
      ),
      select(
        "tryStrengths",
        "Try strengths",
        [option("allowed", "on"), option("off", "off")],
        s.tryStrengths === undefined ? undefined : s.tryStrengths ? "on" : "off",
      ),
    ],
  };
}
