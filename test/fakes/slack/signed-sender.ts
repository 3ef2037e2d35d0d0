import { createHmac } from "node:crypto";

export interface SignedSenderOptions {
  /** Bolt's endpoint, e.g. `http://127.0.0.1:PORT/slack/events`. */
  url: string;
  signingSecret: string;
}

export interface SignedSendOptions {
  /** Sign with a wrong secret (Bolt must answer 401). */
  badSignature?: boolean;
  /** Send a timestamp 10 minutes old (Bolt allows 5), correctly signed. */
  stale?: boolean;
  /** Explicit X-Slack-Request-Timestamp, in seconds. */
  timestampSec?: number;
  /** Leave the signature headers out altogether. */
  unsigned?: boolean;
  /** Slack's retry headers, as on a redelivered event. */
  retryNum?: number;
  retryReason?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface SignedResponse {
  status: number;
  body: string;
  /** The body parsed as JSON when it is JSON (Bolt's ack with a response payload), else undefined. */
  json: unknown;
  headers: Record<string, string>;
  /** Milliseconds from sending the request to having the whole response. */
  elapsedMs: number;
}

/** `v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`, Slack's request signature. */
export function slackSignature(signingSecret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${body}`).digest("hex")}`;
}

/** Sends requests to an app's HTTP endpoint exactly as Slack does, signed with the app's signing secret. */
export class SignedSender {
  constructor(private readonly options: SignedSenderOptions) {}

  /** A slash command: form-encoded fields. */
  slashCommand(payload: Record<string, string>, options?: SignedSendOptions): Promise<SignedResponse> {
    return this.send(new URLSearchParams(payload).toString(), "application/x-www-form-urlencoded", options);
  }

  /** An Events API request (`event_callback` or `url_verification`): JSON. */
  event(payload: object, options?: SignedSendOptions): Promise<SignedResponse> {
    return this.send(JSON.stringify(payload), "application/json", options);
  }

  /** A shortcut, block action or view submission: form-encoded `payload=<json>`. */
  interaction(payload: object, options?: SignedSendOptions): Promise<SignedResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.send(body, "application/x-www-form-urlencoded", options);
  }

  async send(body: string, contentType: string, options: SignedSendOptions = {}): Promise<SignedResponse> {
    const nowSec = Math.floor(Date.now() / 1000);
    const timestampSec = options.timestampSec ?? (options.stale ? nowSec - 600 : nowSec);
    const secret = options.badSignature ? `${this.options.signingSecret}-wrong` : this.options.signingSecret;
    const headers: Record<string, string> = {
      "content-type": contentType,
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      ...options.headers,
    };
    if (!options.unsigned) {
      headers["x-slack-request-timestamp"] = String(timestampSec);
      headers["x-slack-signature"] = slackSignature(secret, timestampSec, body);
    }
    if (options.retryNum !== undefined) {
      headers["x-slack-retry-num"] = String(options.retryNum);
      headers["x-slack-retry-reason"] = options.retryReason ?? "http_timeout";
    }
    const started = performance.now();
    const response = await fetch(this.options.url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    const elapsedMs = performance.now() - started;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      body: text,
      json,
      headers: Object.fromEntries(response.headers.entries()),
      elapsedMs,
    };
  }
}
