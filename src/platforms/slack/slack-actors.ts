import type { webApi } from "@slack/bolt";

type WebClient = webApi.WebClient;

import type { Actor } from "../../core/types.js";
import type { Logger } from "../../logger.js";

interface UserFacts {
  /** What Slack shows as the person's name: display name, else real name, else handle. */
  name: string;
  isBot: boolean;
  canModerate: boolean;
  at: number;
}

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 5000;

/**
 * Who is acting, as the core's permission rules need it: a reaction names only a user id, so whether
 * it is a bot (ignored) or a workspace admin (may cancel others' jobs) comes from users.info, cached.
 */
export class SlackActors {
  private readonly cache = new Map<string, UserFacts>();

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  async actor(teamId: string, userId: string): Promise<Actor> {
    const facts = await this.facts(userId);
    return {
      platform: "slack",
      workspaceId: teamId,
      userId,
      userName: facts.name,
      isBot: facts.isBot,
      canModerate: facts.canModerate,
    };
  }

  /**
   * The name to write for a person. The mention policy is the same on every platform: people are
   * named, never notified, so this is their display name as plain text, not a `<@U…>` mention
   * (which Slack turns into a notification in every message the bot posts).
   */
  async name(userId: string): Promise<string> {
    return (await this.facts(userId)).name;
  }

  private async facts(userId: string): Promise<UserFacts> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit;
    let facts: UserFacts;
    try {
      const res = await this.client.users.info({ user: userId });
      const u = res.user;
      const profile = u?.profile as { display_name?: string; real_name?: string } | undefined;
      facts = {
        name: profile?.display_name || profile?.real_name || u?.real_name || u?.name || "someone",
        isBot: u?.is_bot === true || userId === "USLACKBOT",
        canModerate: u?.is_admin === true || u?.is_owner === true,
        at: Date.now(),
      };
    } catch (err) {
      // Unknown user: treat as an ordinary member; the core still applies its rules.
      this.logger.warn({ err, userId }, "users.info failed");
      facts = { name: "someone", isBot: false, canModerate: false, at: Date.now() };
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(userId, facts);
    return facts;
  }
}
