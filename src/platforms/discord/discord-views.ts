import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import type { ResultView, StatusView } from "../../core/platform-adapter.js";
import { type ControlName, controlId } from "../../core/rerun-action.js";

/** Discord refuses message content over 2000 characters. */
const MAX_CONTENT = 2000;

/** Nobody is pinged by what the bot writes: names are shown, never mentioned. */
export const NO_MENTIONS = { parse: [] as never[] };

const STYLE: Record<ControlName, ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger> = {
  weaker: ButtonStyle.Secondary,
  stronger: ButtonStyle.Secondary,
  "new-seed": ButtonStyle.Secondary,
  "edit-again": ButtonStyle.Primary,
  cancel: ButtonStyle.Danger,
};

function button(control: ControlName, label: string, customId: string): APIButtonComponent {
  return { type: ComponentType.Button, style: STYLE[control], label, custom_id: customId };
}

function row(buttons: APIButtonComponent[]): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  return buttons.length ? [{ type: ComponentType.ActionRow, components: buttons.slice(0, 5) }] : [];
}

export function clipContent(text: string): string {
  return text.length > MAX_CONTENT ? `${text.slice(0, MAX_CONTENT - 1)}…` : text;
}

/** A status message: its text, and a Cancel button while the job can still be stopped. */
export function statusBody(view: StatusView) {
  const cancel =
    view.cancellable && view.jobId ? [button("cancel", "Cancel", controlId("cancel", view.jobId))] : [];
  return { content: clipContent(view.text), components: row(cancel), allowed_mentions: NO_MENTIONS };
}

/** A result message: caption, the PNG as an attachment, and one button per control the core offers. */
export function resultBody(view: ResultView, filename: string) {
  return {
    content: clipContent(view.caption),
    components: row(view.controls.map((c) => button(c.control, c.label, c.id))),
    attachments: [{ id: 0, filename, description: `Edited image: ${view.job.spec.prompt.slice(0, 900)}` }],
    allowed_mentions: NO_MENTIONS,
  };
}
