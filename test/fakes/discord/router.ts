import type { IncomingHttpHeaders } from "node:http";
import type { RecordedFile } from "./recorder.js";

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  files: RecordedFile[];
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes instead of JSON (CDN downloads). */
  raw?: Buffer;
}

export type RestHandler = (request: RestRequest) => RestResponse | Promise<RestResponse>;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  /** False for routes Discord authenticates by the token in the path (interactions, webhooks). */
  auth: boolean;
  handler: RestHandler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Matches decoded paths against `METHOD /a/:param/b` patterns; literal segments win over parameters (`@original` vs `:id`). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RestHandler, options: { auth?: boolean } = {}): void {
    this.routes.push({
      method,
      pattern,
      segments: pattern.split("/").filter(Boolean),
      auth: options.auth ?? true,
      handler,
    });
    // Literal-first order makes `/messages/@original` beat `/messages/:messageId` whatever the add order.
    this.routes.sort((a, b) => literalScore(b) - literalScore(a));
  }

  match(method: string, path: string): RouteMatch | null {
    const parts = path.split("/").filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i];
        if (seg.startsWith(":")) params[seg.slice(1)] = parts[i];
        else if (seg !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (ok) return { route, params };
    }
    return null;
  }

  /** Whether any method serves this path (405 vs 404). */
  hasPath(path: string): boolean {
    return ["GET", "POST", "PUT", "PATCH", "DELETE"].some((m) => this.match(m, path) !== null);
  }
}

function literalScore(route: Route): number {
  return route.segments.reduce((n, seg, i) => n + (seg.startsWith(":") ? 0 : 2 ** (16 - i)), 0);
}
