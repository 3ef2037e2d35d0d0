/**
 * Discord's limits that rf-edit's messages meet, in characters (Unicode code points, see
 * src/core/text-length.ts). Sources: Discord's developer documentation and the doc comments of
 * discord-api-types (payloads/v10), which the Discord API's OpenAPI description agrees with.
 */
export const DISCORD_LIMITS = {
  /** Create Message: "content: Message contents (up to 2000 characters)". */
  content: 2000,
  /** Start Thread from Message: "name: 1-100 character channel name". */
  threadName: 100,
  /** Attachment object: "description (alt text) for the file (max 1024 characters)". */
  attachmentDescription: 1024,
  /** Message components: up to 5 action rows (without IS_COMPONENTS_V2), 5 buttons in a row. */
  actionRows: 5,
  buttonsPerRow: 5,
  /** Button: "label: Text that appears on the button; max 80 characters". */
  buttonLabel: 80,
  /** Every custom_id: "max 100 characters". */
  customId: 100,
  /** Modal (interaction response type 9): "title: Title of the popup modal, max 45 characters". */
  modalTitle: 45,
  /** Modal: "Between 1 and 5 (inclusive) components that make up the modal". */
  modalComponents: 5,
  /** Label component (type 18): "label: max 45 characters", "description: max 100 characters". */
  labelText: 45,
  labelDescription: 100,
  /** Text input: placeholder max 100 characters; min_length 0-4000; max_length 1-4000; value max 4000. */
  textInputPlaceholder: 100,
  textInputMaxLength: 4000,
  /**
   * Uploads: interactions carry `attachment_size_limit` (bytes) for their context; without one, the
   * documented default for a bot upload is 10 MiB.
   */
  defaultUploadBytes: 10 * 1024 * 1024,
} as const;
