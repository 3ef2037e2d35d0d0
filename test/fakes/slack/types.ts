/** Shapes shared by the fake Slack's parts; they follow Slack's own JSON field names. */

export interface SlackIds {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
}

export interface SlackFile {
  id: string;
  created: number;
  timestamp: number;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  pretty_type: string;
  user: string;
  size: number;
  mode: "hosted";
  is_external: boolean;
  is_public: boolean;
  url_private: string;
  url_private_download: string;
  permalink: string;
  shares?: { public?: Record<string, Array<{ ts: string; thread_ts?: string; channel_name: string }>> };
  channels?: string[];
}

export interface SlackReaction {
  name: string;
  users: string[];
  count: number;
}

export interface SlackMessage {
  type: "message";
  subtype?: string;
  ts: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  team?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  files?: SlackFile[];
  upload?: boolean;
  thread_ts?: string;
  parent_user_id?: string;
  reply_count?: number;
  reply_users?: string[];
  reply_users_count?: number;
  latest_reply?: string;
  reactions?: SlackReaction[];
  edited?: { user: string; ts: string };
  metadata?: unknown;
}

export interface StoredView {
  id: string;
  team_id: string;
  type: string;
  callback_id: string;
  private_metadata: string;
  external_id: string;
  hash: string;
  app_id: string;
  bot_id: string;
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  state: { values: Record<string, unknown> };
  root_view_id: string;
  previous_view_id: string | null;
  [key: string]: unknown;
}

/** One request the fake received, whatever its kind. */
export interface RecordedCall {
  /** Web API method ("chat.postMessage"), or a pseudo-method: "upload_url", "file_download", "response_url". */
  method: string;
  /** Parsed params: form fields, JSON body or query; known JSON fields (blocks, view, files...) are parsed. */
  params: Record<string, unknown>;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The token the request carried (Authorization header or `token` param), if any. */
  token?: string;
  /** Files carried by a multipart body or a raw upload body. */
  files: RecordedFile[];
  /** HTTP status the fake answered with. */
  status: number;
  /** JSON the fake answered with (undefined for byte responses). */
  response?: unknown;
  /** performance.now() when the request had been read. */
  atMs: number;
}

export interface RecordedFile {
  fieldName: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** A completed files.uploadV2 (or getUploadURLExternal + upload + completeUploadExternal) upload. */
export interface CompletedUpload {
  file: SlackFile;
  bytes: Buffer;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
  /** ts of the message that carries the file, when it was shared into a channel. */
  messageTs?: string;
}

export interface DownloadRecord {
  path: string;
  fileId?: string;
  /** Host header the request was sent to. */
  host: string;
  /** Whether any Authorization header was sent at all. */
  tokenSent: boolean;
  /** The bearer token, when one was sent. */
  token?: string;
  /** 200 with bytes, 302 to the login page, or 404. */
  status: number;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
}

export interface ResponseUrlPost {
  path: string;
  body: Record<string, unknown>;
}

export type SocketEnvelopeType = "events_api" | "slash_commands" | "interactive";

export interface SocketAck {
  envelopeId: string;
  /** The `payload` the client acked with (empty object for a bare ack). */
  payload: Record<string, unknown>;
  /** Milliseconds from sending the envelope to receiving the ack. */
  ackMs: number;
}
