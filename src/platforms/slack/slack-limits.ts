/**
 * Slack's limits that rf-edit's calls meet, in characters (see src/core/text-length.ts). Sources:
 * the doc comments of @slack/types (block-kit/blocks, block-kit/block-elements, views), Slack's
 * Block Kit reference, and its method docs (chat.postMessage, files.getUploadURLExternal).
 */
export const SLACK_LIMITS = {
  /**
   * chat.postMessage: "keep text under 4,000 characters"; longer is truncated (at 40,000). The
   * same `text` rules apply to chat.update, chat.postEphemeral and initial_comment.
   */
  text: 4000,
  /** Section block: "text ... maximum length is 3000 characters". */
  sectionText: 3000,
  /** A message holds up to 50 blocks; a modal up to 100. */
  messageBlocks: 50,
  modalBlocks: 100,
  /** Actions block: "a maximum of 25 elements". */
  actionsElements: 25,
  /** Button: text "maximum length ... 75 characters"; value 2000; action_id and block_id 255. */
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  /** Modal view: title, submit and close "maximum length of 24 characters". */
  modalTitle: 24,
  /** Modal view: private_metadata "Maximum length of 3000 characters"; callback_id 255. */
  privateMetadata: 3000,
  callbackId: 255,
  /** Input block: label and hint up to 2000 characters. */
  inputLabel: 2000,
  /** plain_text_input: placeholder up to 150 characters; min_length/max_length up to 3000. */
  placeholder: 150,
  plainTextInputMax: 3000,
  /** files.getUploadURLExternal: alt_txt, error alt_txt_too_large past 1000 characters. */
  altText: 1000,
  /** A file's title: not documented as a limit; kept as short as a message header. */
  fileTitle: 250,
} as const;
