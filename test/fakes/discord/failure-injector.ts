export interface FailureMatch {
  /** HTTP method, any when absent. */
  method?: string;
  /** A route pattern (`/channels/:channelId/messages`), an exact REST path, or a RegExp on the path. */
  path?: string | RegExp;
}

export interface InjectedFailure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface RateLimitOptions extends FailureMatch {
  /** How many matching requests get a 429 before the route answers normally again. */
  times?: number;
  /** Seconds the client must wait; Discord sends fractions (`retry_after: 0.05`). */
  retryAfterSeconds?: number;
  /** A global rate limit (all routes) instead of a per-route bucket. */
  global?: boolean;
  /** `X-RateLimit-Scope`: "user", "global" or "shared". */
  scope?: "user" | "global" | "shared";
}

export interface ErrorInjectionOptions extends FailureMatch {
  times?: number;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Rule extends FailureMatch {
  remaining: number;
  build: () => InjectedFailure;
}

/** Answers matching requests with 429s or errors a given number of times, to test the client's tolerance. */
export class FailureInjector {
  private readonly rules: Rule[] = [];

  rateLimit(options: RateLimitOptions): void {
    const retryAfter = options.retryAfterSeconds ?? 0.05;
    const global = options.global ?? false;
    const scope = options.scope ?? (global ? "global" : "user");
    this.rules.push({
      method: options.method,
      path: options.path,
      remaining: options.times ?? 1,
      build: () => {
        const headers: Record<string, string> = {
          "retry-after": String(retryAfter),
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
          "x-ratelimit-reset-after": retryAfter.toFixed(3),
          "x-ratelimit-bucket": "f4k3b0c4e7",
          "x-ratelimit-scope": scope,
        };
        // discord.js treats the mere presence of this header as "global", so only send it then.
        if (global) headers["x-ratelimit-global"] = "true";
        return {
          status: 429,
          headers,
          body: {
            message: "You are being rate limited.",
            retry_after: retryAfter,
            global,
            code: global ? 0 : undefined,
          },
        };
      },
    });
  }

  error(options: ErrorInjectionOptions): void {
    this.rules.push({
      method: options.method,
      path: options.path,
      remaining: options.times ?? 1,
      build: () => ({
        status: options.status,
        headers: options.headers ?? {},
        body: options.body ?? { message: `${options.status}: injected failure`, code: 0 },
      }),
    });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The failure for this request, consuming one use of the first matching rule; null when none. */
  take(method: string, path: string, route: string | null): InjectedFailure | null {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      if (!matches(rule, method, path, route)) continue;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.rules.splice(i, 1);
      return rule.build();
    }
    return null;
  }
}

function matches(rule: FailureMatch, method: string, path: string, route: string | null): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  if (rule.path instanceof RegExp) return rule.path.test(path);
  return rule.path === path || rule.path === route;
}
