import { DiscordApiError } from "../errors/discord-api-error.js";
import { guildPayload } from "../guild-payload.js";
import type { Router } from "../router.js";
import type { RouteContext } from "./route-context.js";

/** Gateway discovery, the bot's user and application, guilds and members. */
export function addMetaRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;

  router.add("GET", "/gateway", () => ({ status: 200, body: { url: ctx.gatewayUrl() } }), { auth: false });
  router.add("GET", "/gateway/bot", () => ({
    status: 200,
    body: {
      url: ctx.gatewayUrl(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    },
  }));

  router.add("GET", "/users/@me", () => ({
    status: 200,
    body: { ...state.botUser, verified: true, mfa_enabled: false, flags: 0, locale: "en-US" },
  }));
  router.add("GET", "/users/:userId", ({ params }) => {
    const user = state.users.get(params.userId);
    if (!user) throw new DiscordApiError(404, 10013, "Unknown User");
    return { status: 200, body: user };
  });

  const application = () => ({
    status: 200,
    body: {
      id: state.applicationId,
      name: state.botUser.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: "f4k3".repeat(16),
      flags: state.applicationFlags,
      team: null,
      owner: {
        id: state.ids.next(),
        username: "owner",
        global_name: "owner",
        discriminator: "0",
        avatar: null,
      },
      bot: state.botUser,
      approximate_guild_count: state.guilds.size,
      integration_types_config: { "0": {} },
    },
  });
  router.add("GET", "/applications/@me", application);
  router.add("GET", "/oauth2/applications/@me", application);

  const guildOf = (guildId: string) => {
    if (!state.guilds.has(guildId)) throw DiscordApiError.missingAccess();
    return guildId;
  };
  router.add("GET", "/guilds/:guildId", ({ params }) => ({
    status: 200,
    body: guildPayload(state, guildOf(params.guildId), false),
  }));
  router.add("GET", "/guilds/:guildId/channels", ({ params }) => ({
    status: 200,
    body: state.guildChannels(guildOf(params.guildId)).filter((c) => c.type !== 11 && c.type !== 12),
  }));
  router.add("GET", "/guilds/:guildId/roles", ({ params }) => ({
    status: 200,
    body: state.guilds.get(guildOf(params.guildId))?.roles,
  }));
  router.add("GET", "/guilds/:guildId/members/:userId", ({ params }) => {
    const member = state.member(guildOf(params.guildId), params.userId);
    if (!member) throw new DiscordApiError(404, 10007, "Unknown Member");
    return { status: 200, body: member };
  });
}
