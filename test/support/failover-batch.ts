import type { PlaygroundMessage } from "../../src/platforms/playground/playground-message.js";
import { RfEditProcess as Proc, type RfEditProcess, startWorkerProcess } from "./child-process.js";
import { testPng } from "./images.js";
import { freePort } from "./redis-server.js";

/** Settings both processes share: the tiny model at a tiny size, limits out of the way. */
export function haEnv(redisUrl: string, prefix: string): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    KEY_PREFIX: prefix,
    DEFAULT_STEPS: "4",
    TARGET_MEGAPIXELS: "0.0625",
    STATUS_UPDATE_MS: "100",
    RATE_LIMIT_PER_MINUTE: "6000",
    RATE_LIMIT_BURST: "500",
    MAX_QUEUED_PER_USER: "100",
    MAX_QUEUE_LENGTH: "1000",
    SHUTDOWN_TIMEOUT_MS: "5000",
  };
}

/** A bot (playground on a free port) and a GPU worker, each a process of its own. */
export async function startBotAndWorker(
  redisUrl: string,
  prefix: string,
): Promise<{ bot: RfEditProcess; worker: RfEditProcess; url: string }> {
  const port = await freePort();
  const env = haEnv(redisUrl, prefix);
  const [bot, worker] = await Promise.all([
    (async () => {
      const p = new Proc({
        ...env,
        ROLE: "bot",
        PLAYGROUND_PORT: String(port),
        PLAYGROUND_HOST: "127.0.0.1",
      });
      await p.waitForLog((l) => l.msg === "bot is up", 60_000, "the bot to start");
      return p;
    })(),
    startWorkerProcess(env),
  ]);
  return { bot, worker, url: `http://127.0.0.1:${port}/` };
}

/** Where a status text stands; a status message must never move to a lower one. */
export function statusRank(text: string): number {
  if (/^✅|^✖️|^⚠️|^❌/u.test(text)) return 100;
  if (/Finishing/.test(text)) return 90;
  const editing = /Editing (\d+)\/(\d+)/.exec(text);
  if (editing && !/Editing the result again/.test(text)) return 60 + Number(editing[1]) / Number(editing[2]);
  const inverting = /Inverting (\d+)\/(\d+)/.exec(text);
  if (inverting) return 40 + Number(inverting[1]) / Number(inverting[2]);
  if (/Preparing/.test(text)) return 30;
  if (/Queued/.test(text)) return 20;
  if (/Fetching the image/.test(text)) return 10;
  return 0;
}

export interface Outcome {
  i: number;
  user: string;
  at: number;
  doneAt: number;
  status: number;
  ok: boolean;
  jobId?: string;
  message?: string;
  error?: string;
}

/**
 * Sends edits through the playground over HTTP like ten people would, and watches the channel's
 * live events to check that no status message ever goes backwards.
 */
export class EditBatch {
  readonly outcomes: Outcome[] = [];
  /** Every text each status message showed, in order (from the live event stream). */
  readonly statusTexts = new Map<string, string[]>();
  private readonly abort = new AbortController();
  private png?: Buffer;

  constructor(readonly url: string) {}

  async watch(): Promise<void> {
    this.png = await testPng(96, 64);
    const res = await fetch(`${this.url}api/events`, { signal: this.abort.signal });
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no event stream");
    const decoder = new TextDecoder();
    let buffer = "";
    void (async () => {
      try {
        while (true) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            this.frame(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf("\n\n");
          }
        }
      } catch {
        // aborted at the end
      }
    })();
  }

  private frame(frame: string): void {
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (event !== "message" || !data) return;
    const m = JSON.parse(data) as PlaygroundMessage;
    if (!m.author.bot || m.job || m.image) return;
    const texts = this.statusTexts.get(m.id) ?? [];
    if (texts.at(-1) !== m.text) texts.push(m.text);
    this.statusTexts.set(m.id, texts);
  }

  /** Each of the ten people is one browser: the session cookie the playground hands it, kept. */
  private readonly cookies = new Map<string, Promise<string>>();

  private cookieFor(user: string): Promise<string> {
    let cookie = this.cookies.get(user);
    if (!cookie) {
      cookie = fetch(`${this.url}api/info`, { signal: AbortSignal.timeout(30_000) }).then((res) => {
        const set = res.headers.get("set-cookie");
        if (!set) throw new Error("the playground set no session cookie");
        return set.split(";")[0];
      });
      cookie.catch(() => this.cookies.delete(user));
      this.cookies.set(user, cookie);
    }
    return cookie;
  }

  async send(i: number): Promise<Outcome> {
    const user = `user${String(i % 10).padStart(4, "0")}`;
    const at = Date.now();
    let outcome: Outcome;
    try {
      const res = await fetch(`${this.url}api/messages`, {
        method: "POST",
        headers: {
          cookie: await this.cookieFor(user),
          "x-playground-name": user,
          "x-playground-text": encodeURIComponent(`/edit make it winter ${i}`),
          "x-playground-filename": `photo-${i}.png`,
        },
        body: this.png,
        signal: AbortSignal.timeout(60_000),
      });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; jobId?: string; message?: string };
      outcome = {
        i,
        user,
        at,
        doneAt: Date.now(),
        status: res.status,
        ok: Boolean(body.ok),
        jobId: body.jobId,
        message: body.message,
      };
    } catch (err) {
      outcome = { i, user, at, doneAt: Date.now(), status: 0, ok: false, error: (err as Error).message };
    }
    this.outcomes.push(outcome);
    return outcome;
  }

  async history(): Promise<PlaygroundMessage[]> {
    const res = await fetch(`${this.url}api/history`, { signal: AbortSignal.timeout(30_000) });
    return ((await res.json()) as { messages: PlaygroundMessage[] }).messages;
  }

  /** Result messages per job id. */
  async results(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const m of await this.history())
      if (m.job) counts.set(m.job.jobId, (counts.get(m.job.jobId) ?? 0) + 1);
    return counts;
  }

  /** Waits until every accepted edit has a result (or the time is up), then a little longer for doubles. */
  async settle(timeoutMs: number): Promise<Map<string, number>> {
    const accepted = this.outcomes.filter((o) => o.ok && o.jobId).map((o) => o.jobId as string);
    const deadline = Date.now() + timeoutMs;
    let results = new Map<string, number>();
    while (Date.now() < deadline) {
      try {
        results = await this.results();
        if (accepted.every((id) => results.has(id))) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 2000));
    return this.results();
  }

  /** Status messages whose texts went to a lower stage at some point, with what they showed. */
  backwards(): { id: string; texts: string[] }[] {
    const out: { id: string; texts: string[] }[] = [];
    for (const [id, texts] of this.statusTexts) {
      for (let k = 1; k < texts.length; k++) {
        if (statusRank(texts[k]) < statusRank(texts[k - 1]) || statusRank(texts[k - 1]) === 100) {
          out.push({ id, texts });
          break;
        }
      }
    }
    return out;
  }

  close(): void {
    this.abort.abort();
  }
}

export interface ScenarioCounts {
  scenario: string;
  sent: number;
  accepted: number;
  refusedInWords: number;
  deliveredOnce: number;
  lost: number;
  duplicated: number;
  /** From the failover's start to the answer of the first edit sent after it and accepted. */
  secondsToRecover: number;
  other: number;
}

export function countScenario(
  scenario: string,
  batch: EditBatch,
  results: Map<string, number>,
  failoverAt: number,
): ScenarioCounts {
  const o = batch.outcomes;
  const accepted = o.filter((x) => x.ok && x.jobId);
  const refused = o.filter((x) => !x.ok && x.status === 503 && (x.message ?? "").length > 10);
  const firstAfter = accepted.filter((x) => x.at >= failoverAt).sort((a, b) => a.doneAt - b.doneAt)[0];
  return {
    scenario,
    sent: o.length,
    accepted: accepted.length,
    refusedInWords: refused.length,
    deliveredOnce: accepted.filter((x) => results.get(x.jobId as string) === 1).length,
    lost: accepted.filter((x) => !results.has(x.jobId as string)).length,
    duplicated: accepted.filter((x) => (results.get(x.jobId as string) ?? 0) > 1).length,
    secondsToRecover: firstAfter ? Math.round((firstAfter.doneAt - failoverAt) / 100) / 10 : -1,
    other: o.length - accepted.length - refused.length,
  };
}
