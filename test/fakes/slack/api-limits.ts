/**
 * Slack's documented limits and shapes for what rf-edit sends, as checks returning problems by path
 * (empty: conforms). Sources: @slack/types' doc comments (block-kit/blocks.d.ts,
 * block-kit/block-elements.d.ts, block-kit/composition-objects.d.ts, views.d.ts), Slack's Block Kit
 * reference, and the method docs: chat.postMessage ("keep text under 4,000 characters"),
 * files.getUploadURLExternal (`alt_txt`, error alt_txt_too_large past 1000 characters),
 * files.completeUploadExternal, views.open. Lengths are characters (code points).
 */

type Problems = Record<string, string>;

export const LIMITS = {
  text: 4000,
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputLength: 3000,
  altText: 1000,
} as const;

export function chars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

function strings(value: unknown, at: string, out: Problems): void {
  if (typeof value === "string") {
    if (hasLoneSurrogate(value)) out[at || "_"] = "not valid UTF-8: a lone surrogate";
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      strings(v, `${at}.${i}`, out);
    });
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) strings(v, at ? `${at}.${k}` : k, out);
  }
}

function max(problems: Problems, at: string, value: unknown, limit: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string") problems[at] = "must be a string";
  else if (chars(value) > limit) problems[at] = `${chars(value)} characters; the limit is ${limit}`;
}

interface TextObject {
  type?: string;
  text?: unknown;
}
interface RawElement {
  type?: string;
  text?: TextObject;
  action_id?: unknown;
  value?: unknown;
  placeholder?: TextObject;
  max_length?: number;
  min_length?: number;
  initial_value?: unknown;
}
interface RawBlock {
  type?: string;
  block_id?: unknown;
  text?: TextObject;
  elements?: RawElement[];
  element?: RawElement;
  label?: TextObject;
  hint?: TextObject;
}

/** Blocks of a message (at most 50) or of a modal (at most 100). */
export function checkBlocks(blocks: unknown, where: "message" | "modal", at = "blocks"): Problems {
  const problems: Problems = {};
  if (blocks === undefined || blocks === null) return problems;
  if (!Array.isArray(blocks)) return { [at]: "must be an array" };
  const limit = where === "message" ? LIMITS.messageBlocks : LIMITS.modalBlocks;
  if (blocks.length > limit) problems[at] = `${blocks.length} blocks; the limit is ${limit}`;
  (blocks as RawBlock[]).forEach((b, i) => {
    const here = `${at}.${i}`;
    max(problems, `${here}.block_id`, b.block_id, LIMITS.blockId);
    if (b.type === "section") {
      const text = b.text?.text;
      if (typeof text !== "string" || chars(text) < 1) problems[`${here}.text`] = "section text is required";
      max(problems, `${here}.text.text`, text, LIMITS.sectionText);
    } else if (b.type === "actions") {
      const elements = b.elements ?? [];
      if (elements.length > LIMITS.actionsElements)
        problems[`${here}.elements`] = `${elements.length} elements; the limit is ${LIMITS.actionsElements}`;
      elements.forEach((e, j) => {
        const w = `${here}.elements.${j}`;
        if (e.type !== "button") return;
        if (e.text?.type !== "plain_text") problems[`${w}.text.type`] = "button text must be plain_text";
        max(problems, `${w}.text.text`, e.text?.text, LIMITS.buttonText);
        max(problems, `${w}.action_id`, e.action_id, LIMITS.actionId);
        max(problems, `${w}.value`, e.value, LIMITS.buttonValue);
      });
    } else if (b.type === "input") {
      if (where !== "modal") problems[`${here}.type`] = "input blocks belong in modals";
      max(problems, `${here}.label.text`, b.label?.text, LIMITS.inputLabel);
      max(problems, `${here}.hint.text`, b.hint?.text, LIMITS.inputHint);
      const e = b.element ?? {};
      max(problems, `${here}.element.action_id`, e.action_id, LIMITS.actionId);
      max(problems, `${here}.element.placeholder.text`, e.placeholder?.text, LIMITS.placeholder);
      if (e.type === "plain_text_input") {
        for (const key of ["max_length", "min_length"] as const) {
          const v = e[key];
          if (v !== undefined && (v < 0 || v > LIMITS.plainTextInputLength))
            problems[`${here}.element.${key}`] = `must be 0-${LIMITS.plainTextInputLength}`;
        }
      }
    }
  });
  return problems;
}

/** chat.postMessage / chat.update / chat.postEphemeral / response_url bodies. */
export function checkMessage(params: Record<string, unknown>): Problems {
  const problems: Problems = {};
  max(problems, "text", params.text, LIMITS.text);
  Object.assign(problems, checkBlocks(params.blocks, "message"));
  strings(params, "", problems);
  return problems;
}

/** views.open / views.push / views.update. */
export function checkView(view: unknown): Problems {
  const problems: Problems = {};
  const v = (view ?? {}) as Record<string, unknown> & {
    title?: TextObject;
    submit?: TextObject;
    close?: TextObject;
  };
  if (typeof v.title?.text !== "string") problems["view.title"] = "required";
  max(problems, "view.title.text", v.title?.text, LIMITS.modalTitle);
  max(problems, "view.submit.text", v.submit?.text, LIMITS.modalButton);
  max(problems, "view.close.text", v.close?.text, LIMITS.modalButton);
  max(problems, "view.private_metadata", v.private_metadata, LIMITS.privateMetadata);
  max(problems, "view.callback_id", v.callback_id, LIMITS.callbackId);
  Object.assign(problems, checkBlocks(v.blocks, "modal", "view.blocks"));
  strings(view, "view", problems);
  return problems;
}

/** files.getUploadURLExternal: the documented alt text argument is `alt_txt`, at most 1000. */
export function checkUploadUrl(params: Record<string, unknown>): Problems {
  const problems: Problems = {};
  if ("alt_text" in params && params.alt_text !== undefined)
    problems.alt_text = "not an argument of files.getUploadURLExternal (it is alt_txt): Slack ignores it";
  max(problems, "alt_txt", params.alt_txt, LIMITS.altText);
  strings(params, "", problems);
  return problems;
}

/** files.completeUploadExternal: initial_comment is message text. */
export function checkCompleteUpload(params: Record<string, unknown>): Problems {
  const problems: Problems = {};
  max(problems, "initial_comment", params.initial_comment, LIMITS.text);
  if (!Array.isArray(params.files) || params.files.length < 1) problems.files = "required";
  strings(params, "", problems);
  return problems;
}

/** Every check that applies to one recorded call; empty when it conforms or is not checked. */
export function checkCall(method: string, params: Record<string, unknown>): Problems {
  switch (method) {
    case "chat.postMessage":
    case "chat.update":
    case "chat.postEphemeral":
    case "response_url":
      return checkMessage(params);
    case "views.open":
    case "views.push":
    case "views.update":
      return checkView(params.view);
    case "files.getUploadURLExternal":
      return checkUploadUrl(params);
    case "files.completeUploadExternal":
      return checkCompleteUpload(params);
    default:
      return {};
  }
}

/** The texts of a call that Slack renders as message text (mrkdwn): where escaping matters. */
export function renderedTexts(method: string, params: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (["chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"].includes(method)) {
    if (typeof params.text === "string") out.push(params.text);
    for (const b of (params.blocks ?? []) as RawBlock[])
      if (b.type === "section" && typeof b.text?.text === "string" && b.text.type === "mrkdwn")
        out.push(b.text.text);
  }
  if (method === "files.completeUploadExternal" && typeof params.initial_comment === "string")
    out.push(params.initial_comment);
  return out;
}

/**
 * What Slack itself refuses, in its error shapes, so every test's calls meet the limits: blocks past
 * their limits (`invalid_blocks`), a view past its limits (`invalid_arguments`), an `alt_txt` past
 * 1000 characters (`alt_txt_too_large`), text past 40,000 characters (`msg_too_long`). Text between
 * 4,000 and 40,000 characters and unknown arguments are accepted, as Slack does; the conformance
 * test holds the bot to the stricter rules.
 */
export function slackRefusal(
  method: string,
  params: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const refuse = (error: string, problems: Problems) => ({
    ok: false,
    error,
    response_metadata: {
      messages: Object.entries(problems).map(
        ([path, problem]) => `[ERROR] ${problem} [json-pointer:/${path.replaceAll(".", "/")}]`,
      ),
    },
  });
  if (["chat.postMessage", "chat.update", "chat.postEphemeral"].includes(method)) {
    if (typeof params.text === "string" && chars(params.text) > 40_000)
      return { ok: false, error: "msg_too_long" };
    const problems = checkBlocks(params.blocks, "message");
    if (Object.keys(problems).length > 0) return refuse("invalid_blocks", problems);
  }
  if (["views.open", "views.push", "views.update"].includes(method)) {
    const problems = checkView(params.view);
    if (Object.keys(problems).length > 0) return refuse("invalid_arguments", problems);
  }
  if (
    method === "files.getUploadURLExternal" &&
    typeof params.alt_txt === "string" &&
    chars(params.alt_txt) > LIMITS.altText
  )
    return { ok: false, error: "alt_txt_too_large" };
  return undefined;
}
