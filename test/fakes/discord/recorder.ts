import type { IncomingHttpHeaders } from "node:http";

export interface RecordedFile {
  /** The multipart field name, `files[0]` etc. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  /** Increasing number, shared by all requests of one fake; see `RequestRecorder.mark()`. */
  seq: number;
  /** Date.now() when the request arrived. */
  at: number;
  method: string;
  /** The path after `/api/v10` for REST (`/channels/1/messages`), the full path otherwise. */
  path: string;
  /** The matched route pattern (`/channels/:channelId/messages`), or null when nothing matched. */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the parsed `payload_json` part of a multipart body; undefined when none. */
  body: unknown;
  files: RecordedFile[];
  /** "rest" for /api, "cdn" for attachment downloads, "other" for anything else. */
  kind: "rest" | "cdn" | "other";
  status: number;
  response: unknown;
  /** Milliseconds from arrival to the response being sent (the fake's own cost plus body upload time). */
  handledMs: number;
  /** True when an injected failure (429, 5xx) answered instead of the route. */
  injected: boolean;
}

export type RequestPredicate = (request: RecordedRequest) => boolean;

interface Waiter {
  predicate: RequestPredicate;
  count: number;
  sinceSeq: number;
  found: RecordedRequest[];
  resolve: (requests: RecordedRequest[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Keeps every request the fake answered, and lets tests await the ones they expect. */
export class RequestRecorder {
  private readonly records: RecordedRequest[] = [];
  private readonly waiters = new Set<Waiter>();
  private seq = 0;

  get all(): readonly RecordedRequest[] {
    return this.records;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** The seq of the newest request; pass it as `sinceSeq` to wait only for later ones. */
  mark(): number {
    return this.seq;
  }

  add(record: RecordedRequest): void {
    this.records.push(record);
    for (const waiter of this.waiters) {
      if (record.seq <= waiter.sinceSeq || !waiter.predicate(record)) continue;
      waiter.found.push(record);
      if (waiter.found.length >= waiter.count) this.settle(waiter, null);
    }
  }

  find(predicate: RequestPredicate): RecordedRequest[] {
    return this.records.filter(predicate);
  }

  clear(): void {
    this.records.length = 0;
  }

  /** Resolves with the first `count` matching requests after `sinceSeq` (0: all recorded so far count). */
  waitFor(
    predicate: RequestPredicate,
    count: number,
    timeoutMs: number,
    sinceSeq = 0,
  ): Promise<RecordedRequest[]> {
    const found = this.records.filter((r) => r.seq > sinceSeq && predicate(r)).slice(0, count);
    if (found.length >= count) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        count,
        sinceSeq,
        found,
        resolve,
        reject,
        timer: setTimeout(() => {
          const recent = this.records
            .slice(-15)
            .map((r) => `  #${r.seq} ${r.method} ${r.path} -> ${r.status}`)
            .join("\n");
          this.settle(
            waiter,
            new Error(
              `fake Discord: ${waiter.found.length}/${count} matching request(s) after ${timeoutMs} ms; recent requests:\n${recent || "  (none)"}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  rejectAll(reason: string): void {
    for (const waiter of this.waiters) this.settle(waiter, new Error(reason));
  }

  private settle(waiter: Waiter, error: Error | null): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    if (error) waiter.reject(error);
    else waiter.resolve(waiter.found.slice(0, waiter.count));
  }
}
