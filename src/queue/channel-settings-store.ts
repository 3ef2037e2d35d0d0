import { z } from "zod";
import type { KeyNames } from "./queue-names.js";
import type { RedisLike } from "./redis-connection.js";

/** A channel's defaults, as moderators set them with /edit-settings; every field may be unset. */
export const channelSettingsSchema = z.object({
  strength: z.number().min(0).max(1).optional(),
  steps: z.number().int().min(1).max(200).optional(),
  sampler: z.enum(["ode", "sde"]).optional(),
  rerun: z.enum(["anyone", "requester"]).optional(),
  tryStrengths: z.boolean().optional(),
});

export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

export interface ChannelScope {
  platform: string;
  workspaceId: string;
  channelId: string;
}

/**
 * Channel defaults in Redis, one key per workspace and channel. They are meant to last, so they have
 * no TTL; one small JSON value per channel that someone configured bounds the space.
 */
export class ChannelSettingsStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly keys: KeyNames,
  ) {}

  async get(scope: ChannelScope): Promise<ChannelSettings> {
    const raw = await this.redis.get(this.key(scope));
    if (!raw) return {};
    try {
      const parsed = channelSettingsSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  async set(scope: ChannelScope, settings: ChannelSettings): Promise<void> {
    await this.redis.set(this.key(scope), JSON.stringify(channelSettingsSchema.parse(settings)));
  }

  private key(scope: ChannelScope): string {
    return this.keys.channelSettings(scope.platform, scope.workspaceId, scope.channelId);
  }
}
