import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  type RESTPostAPIApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";

/** Names the Discord adapter dispatches on; the definitions below and the handlers share them. */
export const DISCORD_COMMAND = {
  edit: "edit",
  editQueue: "edit-queue",
  editCancel: "edit-cancel",
  /** The message context-menu command; it opens a modal for the prompt and strength. */
  editImageMenu: "Edit image",
} as const;

export const EDIT_OPTION = { image: "image", prompt: "prompt", strength: "strength", seed: "seed" } as const;
export const CANCEL_OPTION = { job: "job" } as const;

/** Discord caps a string option here; the core applies MAX_PROMPT_CHARS on top. */
export const PROMPT_MAX_LENGTH = 1000;
/** Seeds are 31-bit so they round-trip through every platform's integer option. */
export const SEED_MAX = 2_147_483_647;

const edit = new SlashCommandBuilder()
  .setName(DISCORD_COMMAND.edit)
  .setDescription("Edit an image with a text prompt (RF-Inversion on Flux)")
  // Results are answered in a thread, which needs a guild text channel.
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) =>
    o
      .setName(EDIT_OPTION.prompt)
      .setDescription("What the edited image should show")
      .setRequired(true)
      .setMinLength(1)
      .setMaxLength(PROMPT_MAX_LENGTH),
  )
  // Optional: without it /edit takes the newest image in the thread or channel (src/core/newest-image.ts).
  // Discord wants required options first, so the prompt comes before it.
  .addAttachmentOption((o) =>
    o
      .setName(EDIT_OPTION.image)
      .setDescription("The image to edit (default: the newest image in this thread or channel)")
      .setRequired(false),
  )
  .addNumberOption((o) =>
    o
      .setName(EDIT_OPTION.strength)
      .setDescription("How far the edit may move from the original: 0 keeps it, 1 follows the prompt freely")
      .setMinValue(0)
      .setMaxValue(1),
  )
  .addIntegerOption((o) =>
    o
      .setName(EDIT_OPTION.seed)
      .setDescription("Seed for a reproducible result (default: random)")
      .setMinValue(0)
      .setMaxValue(SEED_MAX),
  );

const editImageMenu = new ContextMenuCommandBuilder()
  .setName(DISCORD_COMMAND.editImageMenu)
  .setType(ApplicationCommandType.Message)
  .setContexts(InteractionContextType.Guild);

const editQueue = new SlashCommandBuilder()
  .setName(DISCORD_COMMAND.editQueue)
  .setDescription("Show the edit queue and your jobs in it")
  .setContexts(InteractionContextType.Guild);

const editCancel = new SlashCommandBuilder()
  .setName(DISCORD_COMMAND.editCancel)
  .setDescription("Cancel one of your edit jobs")
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) =>
    o
      .setName(CANCEL_OPTION.job)
      .setDescription("The job id (default: your newest queued job)")
      .setMaxLength(100),
  );

/** The JSON bodies `PUT /applications/:id/commands` takes, in registration order. */
export const discordCommands: RESTPostAPIApplicationCommandsJSONBody[] = [
  edit.toJSON(),
  editImageMenu.toJSON(),
  editQueue.toJSON(),
  editCancel.toJSON(),
];
