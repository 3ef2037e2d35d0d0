import { basename } from "node:path";
import type { BotContext } from "../../runtime/bot-context.js";
import type { PlatformHandle } from "../../runtime/start-bot.js";
import { ChannelStore } from "./channel-store.js";
import { PlaygroundActions } from "./playground-actions.js";
import { PLAYGROUND_CHANNEL, PlaygroundAdapter } from "./playground-adapter.js";
import { PlaygroundServer } from "./playground-server.js";
import { PlaygroundSessions } from "./playground-sessions.js";
import { RequestGuard } from "./request-guard.js";

export interface PlaygroundHandle extends PlatformHandle {
  /** The port really listened on (PLAYGROUND_PORT=0 picks a free one). */
  port: number;
  url: string;
}

/**
 * The local playground: a web page on PLAYGROUND_HOST:PLAYGROUND_PORT that behaves like a team
 * channel, on the same core and queue as Discord and Slack. Started when no platform token is set.
 */
export async function startPlayground(ctx: BotContext): Promise<PlaygroundHandle> {
  const { config, logger } = ctx;
  const store = new ChannelStore(ctx.redis, ctx.keys, PLAYGROUND_CHANNEL, config.limits.imageTtlSeconds);
  ctx.register(new PlaygroundAdapter(store));
  const server = new PlaygroundServer({
    actions: new PlaygroundActions(ctx, store),
    store,
    images: ctx.images,
    info: async () => {
      // The worker may run elsewhere: its last result says best which model it runs; until then, config.
      const history = await store.history();
      const last = history.findLast((m) => m.job)?.job;
      if (last) return { isDemo: last.isDemo, model: last.model };
      return config.model.dir
        ? { isDemo: false, model: basename(config.model.dir) }
        : { isDemo: true, model: "tiny demo model" };
    },
    maxImageBytes: config.limits.maxImageBytes,
    guard: new RequestGuard(config.playground.host, config.playground.hosts),
    sessions: await PlaygroundSessions.open(ctx.redis, ctx.keys),
    logger: logger.child({ platform: "playground" }),
  });
  const port = await server.listen(config.playground.port, config.playground.host);
  const host = config.playground.host.includes(":") ? `[${config.playground.host}]` : config.playground.host;
  const url = `http://${host}:${port}/`;
  logger.info({ url }, "playground is up: open it in a browser");
  // A plain line too, so `npm start` shows where to go even with LOG_LEVEL=warn or JSON logs piped away.
  process.stdout.write(`rf-edit playground: ${url}\n`);
  return {
    name: "playground",
    port,
    url,
    async stop() {
      await server.close();
    },
  };
}
