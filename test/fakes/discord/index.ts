export { DiscordApiError } from "./errors/discord-api-error.js";
export type { ErrorInjectionOptions, RateLimitOptions } from "./failure-injector.js";
export { type BuildTarget, FakeDiscord, type FakeDiscordOptions } from "./fake-discord.js";
export {
  chatInputInteraction,
  componentInteraction,
  type InteractionPayload,
  messageContextInteraction,
  modalSubmitInteraction,
  option,
  type PayloadContext,
  type ReactionPayload,
  reactionAddPayload,
  reactionRemovePayload,
  type SlashOption,
} from "./payloads.js";
export type { RecordedFile, RecordedRequest, RequestPredicate } from "./recorder.js";
export type { GuildSpec, InteractionRecord, StoredCommand } from "./state.js";
export type { FakeAttachment, FakeChannel, FakeEmoji, FakeMember, FakeMessage, FakeUser } from "./types.js";
