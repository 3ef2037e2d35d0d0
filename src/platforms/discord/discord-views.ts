import {
  ActionRowBuilder,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
} from "discord.js";
import type { ResultView, StatusView } from "../../core/platform-adapter.js";
import { type ControlName, controlId } from "../../core/rerun-action.js";
import { clipText, oneLine } from "../../core/text-length.js";
import { DISCORD_LIMITS } from "./discord-limits.js";
import { discordContent } from "./discord-text.js";

/**
 * The mention policy, the same on every platform: people are named, never notified. Discord renders
 * names the bot writes as plain (escaped) text, and no message it sends may ping anyone.
 */
export const NO_MENTIONS = { parse: [] as never[] };

/** Links in people's prompts must not unfurl into previews under the bot's messages. */
export const BOT_MESSAGE_FLAGS = MessageFlags.SuppressEmbeds;

const STYLE: Record<ControlName, ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger> = {
  weaker: ButtonStyle.Secondary,
  stronger: ButtonStyle.Secondary,
  "new-seed": ButtonStyle.Secondary,
  "edit-again": ButtonStyle.Primary,
  cancel: ButtonStyle.Danger,
};

/** Built with discord.js's builders, whose toJSON() checks label and custom_id limits. */
function button(control: ControlName, label: string, customId: string): ButtonBuilder {
  return new ButtonBuilder().setStyle(STYLE[control]).setLabel(label).setCustomId(customId);
}

function rows(buttons: ButtonBuilder[]): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const out: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (
    let i = 0;
    i < buttons.length && out.length < DISCORD_LIMITS.actionRows;
    i += DISCORD_LIMITS.buttonsPerRow
  ) {
    out.push(
      new ActionRowBuilder<ButtonBuilder>()
        .addComponents(buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow))
        .toJSON(),
    );
  }
  return out;
}

/** A core sentence as message content: escaped by Discord's rule and within 2000 characters. */
export function clipContent(text: string): string {
  return discordContent(text);
}

/** A status message: its text, and a Cancel button while the job can still be stopped. */
export function statusBody(view: StatusView) {
  const cancel =
    view.cancellable && view.jobId ? [button("cancel", "Cancel", controlId("cancel", view.jobId))] : [];
  return {
    content: clipContent(view.text),
    components: rows(cancel),
    allowed_mentions: NO_MENTIONS,
    flags: BOT_MESSAGE_FLAGS,
  };
}

/**
 * A result message: caption (with a note when the picture was re-encoded to fit), the picture as an
 * attachment with the prompt as its alt text, and one button per control the core offers.
 */
export function resultBody(
  view: Pick<ResultView, "job" | "caption" | "controls">,
  filename?: string,
  note?: string,
) {
  const caption = note ? `${view.caption}\n${note}` : view.caption;
  return {
    content: clipContent(caption),
    components: rows(view.controls.map((c) => button(c.control, c.label, c.id))),
    // Alt text is shown as plain text, so it is cut, not escaped.
    attachments: filename
      ? [
          {
            id: 0,
            filename,
            description: clipText(
              `Edited image: ${oneLine(view.job.spec.prompt)}`,
              DISCORD_LIMITS.attachmentDescription,
            ),
          },
        ]
      : [],
    allowed_mentions: NO_MENTIONS,
    flags: BOT_MESSAGE_FLAGS,
  };
}
