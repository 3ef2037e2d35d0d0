import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One HTTP request with exactly the headers given (fetch would not let a test set `Host`, which the
 * DNS-rebinding tests must), to a playground on 127.0.0.1.
 */
export function rawRequest(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array | string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: o.method ?? "GET",
        path: o.path,
        headers: o.headers,
        setHost: !o.headers?.host,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: <T>() => JSON.parse(body) as T,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

/** A browser's session: the cookie the playground hands out on the first page load, and its user id. */
export async function newSession(port: number): Promise<{ cookie: string; userId: string }> {
  const res = await rawRequest(port, { path: "/api/info" });
  const set = res.headers["set-cookie"]?.[0];
  if (!set) throw new Error("the playground set no session cookie");
  return { cookie: set.split(";")[0], userId: res.json<{ me: string }>().me };
}
