/**
 * Discord's documented limits and shapes for what rf-edit sends, as checks that return problems by
 * field path (empty: conforms). The fake refuses with 50035 whatever these find, as Discord does, and
 * the conformance test runs them over every request the tests record. Lengths are Unicode code
 * points: "Our API uses Python 3, so the API calculates length based on the number of codepoints"
 * (Discord staff, discord/discord-api-docs#1315). Sources, per limit below: Discord's developer docs
 * (resources/message "Create Message", resources/channel "Start Thread from Message",
 * components/reference, interactions/receiving-and-responding) and discord-api-types'
 * payloads/v10 doc comments.
 */

type Problems = Record<string, string>;

/** Create Message: content "up to 2000 characters". */
export const MAX_CONTENT = 2000;
/** Create Message: "Up to 10 embeds"; "Up to 10 files". */
export const MAX_EMBEDS = 10;
export const MAX_FILES = 10;
/** Attachment: "description (alt text) for the file (max 1024 characters)". */
export const MAX_ATTACHMENT_DESCRIPTION = 1024;
/** Legacy (non-V2) messages: up to 5 action rows; an action row holds up to 5 buttons. */
export const MAX_ACTION_ROWS = 5;
export const MAX_ROW_BUTTONS = 5;
/** Button label "max 80 characters"; every custom_id "max 100 characters". */
export const MAX_BUTTON_LABEL = 80;
export const MAX_CUSTOM_ID = 100;
/** Thread (Start Thread from Message): "name: 1-100 character channel name". */
export const MAX_THREAD_NAME = 100;
/** Modal: title max 45; "Between 1 and 5 (inclusive) components". */
export const MAX_MODAL_TITLE = 45;
export const MAX_MODAL_COMPONENTS = 5;
/** Label (type 18): label max 45, description max 100. Text input: placeholder max 100, lengths 0/1-4000. */
export const MAX_LABEL = 45;
export const MAX_LABEL_DESCRIPTION = 100;
export const MAX_PLACEHOLDER = 100;
export const MAX_TEXT_INPUT = 4000;

export const ComponentType = {
  ActionRow: 1,
  Button: 2,
  TextInput: 4,
  TextDisplay: 10,
  Label: 18,
} as const;

/** Characters as Discord counts them (code points). */
export function chars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A lone UTF-16 surrogate cannot be encoded as UTF-8, which is what Discord stores. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** Every string anywhere in a body that holds a lone surrogate, by path. */
export function brokenStrings(value: unknown, at = "", out: Problems = {}): Problems {
  if (typeof value === "string") {
    if (hasLoneSurrogate(value)) out[at || "_"] = "Must be valid UTF-8 (a lone surrogate was sent).";
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      brokenStrings(v, at ? `${at}.${i}` : String(i), out);
    });
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) brokenStrings(v, at ? `${at}.${k}` : k, out);
  }
  return out;
}

function length(problems: Problems, at: string, value: unknown, min: number, max: number): void {
  if (value === undefined || value === null) {
    if (min > 0) problems[at] = "This field is required";
    return;
  }
  if (typeof value !== "string") {
    problems[at] = "Must be a string.";
    return;
  }
  const n = chars(value);
  if (n < min || n > max) problems[at] = `Must be between ${min} and ${max} in length.`;
}

interface RawComponent {
  type?: number;
  custom_id?: unknown;
  label?: unknown;
  style?: number;
  url?: unknown;
  components?: RawComponent[];
  component?: RawComponent;
  description?: unknown;
  placeholder?: unknown;
  min_length?: number;
  max_length?: number;
  value?: unknown;
}

/** A message body's components: legacy action rows of buttons (no IS_COMPONENTS_V2). */
export function checkMessageComponents(components: unknown, problems: Problems, at = "components"): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    problems[at] = "Must be an array.";
    return;
  }
  if (components.length > MAX_ACTION_ROWS) problems[at] = `Must be ${MAX_ACTION_ROWS} or fewer in length.`;
  (components as RawComponent[]).forEach((row, i) => {
    const here = `${at}.${i}`;
    if (row.type !== ComponentType.ActionRow) {
      problems[`${here}.type`] = "Top-level components must be action rows without IS_COMPONENTS_V2.";
      return;
    }
    const inner = row.components ?? [];
    if (inner.length < 1 || inner.length > MAX_ROW_BUTTONS)
      problems[`${here}.components`] = `Must be between 1 and ${MAX_ROW_BUTTONS} in length.`;
    inner.forEach((c, j) => {
      const where = `${here}.components.${j}`;
      if (c.type !== ComponentType.Button) {
        problems[`${where}.type`] = "Only buttons are sent in rf-edit's messages.";
        return;
      }
      length(problems, `${where}.label`, c.label, 0, MAX_BUTTON_LABEL);
      if (c.style === 5) length(problems, `${where}.url`, c.url, 1, 512);
      else length(problems, `${where}.custom_id`, c.custom_id, 1, MAX_CUSTOM_ID);
    });
  });
}

export interface MessageBodyLike {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  attachments?: unknown;
  flags?: unknown;
  allowed_mentions?: unknown;
}

/** Create / edit message (channel REST, interaction responses and webhooks). */
export function checkMessageBody(raw: unknown, uploads = 0): Problems {
  const problems: Problems = {};
  if (raw === undefined || raw === null) return problems;
  const body = raw as MessageBodyLike;
  if (body.content !== undefined && body.content !== null)
    length(problems, "content", body.content, 0, MAX_CONTENT);
  if (Array.isArray(body.embeds) && body.embeds.length > MAX_EMBEDS)
    problems.embeds = `Must be ${MAX_EMBEDS} or fewer in length.`;
  const v2 = (Number(body.flags ?? 0) & (1 << 15)) !== 0;
  if (!v2) checkMessageComponents(body.components, problems);
  if (Array.isArray(body.attachments)) {
    body.attachments.forEach((a: { description?: unknown }, i: number) => {
      if (a.description !== undefined)
        length(problems, `attachments.${i}.description`, a.description, 0, MAX_ATTACHMENT_DESCRIPTION);
    });
  }
  if (uploads > MAX_FILES) problems.files = `Must be ${MAX_FILES} or fewer in length.`;
  Object.assign(problems, brokenStrings(raw));
  return problems;
}

/** Start Thread from Message / Start Thread without Message. */
export function checkThreadBody(raw: unknown): Problems {
  const problems: Problems = {};
  const body = (raw ?? {}) as { name?: unknown };
  length(problems, "name", body.name, 1, MAX_THREAD_NAME);
  Object.assign(problems, brokenStrings(raw));
  return problems;
}

function checkTextInput(c: RawComponent, where: string, problems: Problems, inLabel: boolean): void {
  if (c.type !== ComponentType.TextInput) {
    problems[`${where}.type`] = "Expected a text input (type 4).";
    return;
  }
  length(problems, `${where}.custom_id`, c.custom_id, 1, MAX_CUSTOM_ID);
  if (c.style !== 1 && c.style !== 2) problems[`${where}.style`] = "Value must be one of (1, 2).";
  // Outside a Label (the deprecated action-row layout) the text input carries its own label; inside
  // one the label is the Label's, and a text input's own label is deprecated (still accepted).
  if (!inLabel || c.label !== undefined) length(problems, `${where}.label`, c.label, 1, MAX_LABEL);
  if (c.placeholder !== undefined)
    length(problems, `${where}.placeholder`, c.placeholder, 0, MAX_PLACEHOLDER);
  if (c.value !== undefined) length(problems, `${where}.value`, c.value, 0, MAX_TEXT_INPUT);
  if (c.min_length !== undefined && (c.min_length < 0 || c.min_length > MAX_TEXT_INPUT))
    problems[`${where}.min_length`] = `Must be between 0 and ${MAX_TEXT_INPUT}.`;
  if (c.max_length !== undefined && (c.max_length < 1 || c.max_length > MAX_TEXT_INPUT))
    problems[`${where}.max_length`] = `Must be between 1 and ${MAX_TEXT_INPUT}.`;
}

/** A modal (interaction callback type 9): Label components (type 18) or the deprecated action rows. */
export function checkModal(raw: unknown): Problems {
  const problems: Problems = {};
  const data = (raw ?? {}) as { custom_id?: unknown; title?: unknown; components?: unknown };
  length(problems, "custom_id", data.custom_id, 1, MAX_CUSTOM_ID);
  length(problems, "title", data.title, 1, MAX_MODAL_TITLE);
  if (
    !Array.isArray(data.components) ||
    data.components.length < 1 ||
    data.components.length > MAX_MODAL_COMPONENTS
  ) {
    problems.components = `Must be between 1 and ${MAX_MODAL_COMPONENTS} in length.`;
  } else {
    (data.components as RawComponent[]).forEach((c, i) => {
      const here = `components.${i}`;
      if (c.type === ComponentType.Label) {
        length(problems, `${here}.label`, c.label, 1, MAX_LABEL);
        if (c.description !== undefined)
          length(problems, `${here}.description`, c.description, 0, MAX_LABEL_DESCRIPTION);
        if (!c.component) problems[`${here}.component`] = "This field is required";
        else checkTextInput(c.component, `${here}.component`, problems, true);
      } else if (c.type === ComponentType.ActionRow) {
        const inner = c.components ?? [];
        if (inner.length !== 1) problems[`${here}.components`] = "Must be 1 in length.";
        inner.forEach((t, j) => {
          checkTextInput(t, `${here}.components.${j}`, problems, false);
        });
      } else if (c.type !== ComponentType.TextDisplay) {
        problems[`${here}.type`] = "Modals take Label, Text Display or (deprecated) Action Row components.";
      }
    });
  }
  Object.assign(problems, brokenStrings(raw));
  return problems;
}

/**
 * True when a modal uses what Discord's components reference marks deprecated: action rows around
 * text inputs ("Action Row with Text Inputs in modals are now deprecated"), or a text input's own
 * `label` ("deprecated in favor of `label` and `description` on the Label component").
 */
export function usesDeprecatedModalLayout(raw: unknown): boolean {
  const data = (raw ?? {}) as { components?: RawComponent[] };
  return (data.components ?? []).some(
    (c) =>
      c.type === ComponentType.ActionRow ||
      (c.type === ComponentType.Label && c.component?.label !== undefined),
  );
}
