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
  /** Team editing: a channel's defaults (moderators change them) and a thread's chain of edits. */
  editSettings: "edit-settings",
  editHistory: "edit-history",
  /** The message context-menu command; it opens a modal for the prompt and strength. */
  editImageMenu: "Edit image",
} as const;

export const EDIT_OPTION = { image: "image", prompt: "prompt", strength: "strength", seed: "seed" } as const;
export const CANCEL_OPTION = { job: "job" } as const;
/** /edit-settings options; the names match the core's SETTING_OPTION_NAMES (a test keeps them in step). */
export const SETTINGS_OPTION = {
  strength: "strength",
  steps: "steps",
  sampler: "sampler",
  rerun: "rerun",
  tryStrengths: "try-strengths",
} as const;

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

const RESET = { name: "bot default", value: "default" };

const editSettings = new SlashCommandBuilder()
  .setName(DISCORD_COMMAND.editSettings)
  .setDescription("Show this channel's edit defaults; moderators can change them")
  .setContexts(InteractionContextType.Guild)
  .addNumberOption((o) =>
    o
      .setName(SETTINGS_OPTION.strength)
      .setDescription("Default strength, 0 (keep the picture) to 1 (follow the prompt)")
      .setMinValue(0)
      .setMaxValue(1),
  )
  .addIntegerOption((o) =>
    o
      .setName(SETTINGS_OPTION.steps)
      .setDescription("Default steps of an edit")
      .setMinValue(1)
      .setMaxValue(50),
  )
  .addStringOption((o) =>
    o
      .setName(SETTINGS_OPTION.sampler)
      .setDescription("Default sampler")
      .addChoices(
        { name: "ode (deterministic)", value: "ode" },
        { name: "sde (stochastic)", value: "sde" },
        RESET,
      ),
  )
  .addStringOption((o) =>
    o
      .setName(SETTINGS_OPTION.rerun)
      .setDescription("Who may re-run a result")
      .addChoices({ name: "anyone", value: "anyone" }, { name: "the requester", value: "requester" }, RESET),
  )
  .addStringOption((o) =>
    o
      .setName(SETTINGS_OPTION.tryStrengths)
      .setDescription("Whether Try strengths is allowed here")
      .addChoices({ name: "allowed", value: "on" }, { name: "off", value: "off" }),
  );

const editHistory = new SlashCommandBuilder()
  .setName(DISCORD_COMMAND.editHistory)
  .setDescription("List the chain of edits in this thread, with links")
  .setContexts(InteractionContextType.Guild);

/** The JSON bodies `PUT /applications/:id/commands` takes, in registration order. */
export const discordCommands: RESTPostAPIApplicationCommandsJSONBody[] = [
  edit.toJSON(),
  editImageMenu.toJSON(),
  editQueue.toJSON(),
  editCancel.toJSON(),
  editSettings.toJSON(),
  editHistory.toJSON(),
];
