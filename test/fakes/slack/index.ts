export { CallRecorder } from "./call-recorder.js";
export {
  DEFAULT_APP_TOKEN,
  DEFAULT_BOT_TOKEN,
  DEFAULT_CHANNEL_ID,
  DEFAULT_IDS,
  DEFAULT_SIGNING_SECRET,
  DEFAULT_USER_ID,
} from "./default-ids.js";
export { FakeClosedError } from "./errors/fake-closed-error.js";
export { WaitTimeoutError } from "./errors/wait-timeout-error.js";
export { FakeSlack, type FakeSlackOptions, type NewFileMessage } from "./fake-slack.js";
export {
  type SignedResponse,
  SignedSender,
  type SignedSenderOptions,
  type SignedSendOptions,
  slackSignature,
} from "./signed-sender.js";
export * from "./slack-payloads.js";
export type { SocketSendOptions } from "./socket-mode-server.js";
export type * from "./types.js";
export type { NewFile, NewMessage } from "./workspace-state.js";
