import { DiscordApiError } from "../errors/discord-api-error.js";
import type { Router } from "../router.js";
import type { StoredCommand } from "../state.js";
import { validateCommands } from "./command-validation.js";
import type { RouteContext } from "./route-context.js";

/** Application commands: bulk overwrite and list, global and per guild. */
export function addCommandRoutes(router: Router, ctx: RouteContext): void {
  const { state } = ctx;

  const scopeOf = (applicationId: string, guildId?: string): string => {
    if (applicationId !== state.applicationId) throw DiscordApiError.missingAccess();
    if (guildId !== undefined && !state.guilds.has(guildId)) throw DiscordApiError.missingAccess();
    return guildId ?? "global";
  };

  const overwrite = (scope: string, guildId: string | undefined, body: unknown) => {
    const problems = validateCommands(body);
    if (Object.keys(problems).length > 0) throw DiscordApiError.invalidForm(problems);
    const previous = state.commands.get(scope) ?? [];
    const stored = (body as Array<Record<string, unknown>>).map((raw): StoredCommand => {
      const type = raw.type === undefined ? 1 : Number(raw.type);
      const name = String(raw.name);
      // An overwrite keeps the id of a command with the same name and type, as Discord does.
      const kept = previous.find((c) => c.name === name && c.type === type);
      return {
        default_member_permissions: null,
        nsfw: false,
        contexts: null,
        integration_types: [0],
        ...raw,
        id: kept?.id ?? state.ids.next(),
        application_id: state.applicationId,
        ...(guildId ? { guild_id: guildId } : {}),
        version: state.ids.next(),
        type,
        name,
        description: typeof raw.description === "string" ? raw.description : "",
      };
    });
    state.commands.set(scope, stored);
    return { status: 200, body: stored };
  };

  router.add("PUT", "/applications/:applicationId/commands", ({ params, body }) =>
    overwrite(scopeOf(params.applicationId), undefined, body),
  );
  router.add("PUT", "/applications/:applicationId/guilds/:guildId/commands", ({ params, body }) =>
    overwrite(scopeOf(params.applicationId, params.guildId), params.guildId, body),
  );
  router.add("GET", "/applications/:applicationId/commands", ({ params }) => ({
    status: 200,
    body: state.commands.get(scopeOf(params.applicationId)) ?? [],
  }));
  router.add("GET", "/applications/:applicationId/guilds/:guildId/commands", ({ params }) => ({
    status: 200,
    body: state.commands.get(scopeOf(params.applicationId, params.guildId)) ?? [],
  }));
}
