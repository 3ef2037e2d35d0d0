import type { Config } from "../../../config/index.js";
import { sideBySide } from "../../images/side-by-side.js";
import type { Logger } from "../../logger.js";
import type { ChannelScope, ChannelSettingsStore } from "../../queue/channel-settings-store.js";
import type { ImageStore } from "../../queue/image-store.js";
import type { JobRecord, JobRecords } from "../../queue/job-records.js";
import type { EditJob } from "../../queue/job-schemas.js";
import type { KeyNames } from "../../queue/queue-names.js";
import type { TeamRecords } from "../../queue/team-records.js";
import type { TokenBucket } from "../../queue/token-bucket.js";
import type { DeliveryRouter } from "../delivery-router.js";
import { type EditService, newJobId } from "../edit-service.js";
import { UserFacingError } from "../errors/user-facing-error.js";
import { compareCaption, formatStrength } from "../messages.js";
import type { PlatformAdapter } from "../platform-adapter.js";
import type { Actor, MessageRef, Origin, Platform } from "../types.js";
import {
  applyPatch,
  SETTINGS_NOT_ALLOWED,
  type SettingsPatch,
  settingsAnnouncement,
  settingsSummary,
} from "./channel-settings.js";
import { historyThreadOf } from "./post-with-history.js";
import { type TeamAction, teamReaction } from "./team-controls.js";

/** What a team action comes to, for the adapter to show the person who asked (privately where it can). */
export interface TeamOutcome {
  ok: boolean;
  /** A sentence for the person: what happened, or why not. */
  message: string;
  /** A line to announce in the channel for everyone (settings changes). */
  announce?: string;
}

export interface TeamServiceDeps {
  config: Config;
  keys: KeyNames;
  records: JobRecords;
  images: ImageStore;
  team: TeamRecords;
  settings: ChannelSettingsStore;
  service: EditService;
  rateLimiter: TokenBucket;
  adapters: Map<Platform, PlatformAdapter>;
  /** Set when deliveries start: a picked tile is posted the way a finished result is. */
  router: () => DeliveryRouter | undefined;
  logger: Logger;
}

/**
 * Team editing's rules, the same on every platform (docs/team-editing.md): Compare, Try strengths,
 * picking a tile from a grid, channel defaults and the thread's history. Adapters translate buttons,
 * reactions and commands into these calls and show the sentence that comes back.
 */
export class TeamService {
  constructor(private readonly d: TeamServiceDeps) {}

  /**
   * A reaction, read by the kind of message it is on: 1️⃣-4️⃣ on a grid pick a tile, ↔️ and 🎚️ on a
   * result compare or try strengths. Returns null when the reaction is not a team action here, so
   * the adapter goes on with the re-run rules (1️⃣ on a result is still strength 0.1); on a grid,
   * every reaction is handled here (other emoji do nothing).
   */
  async reaction(ref: MessageRef, emoji: string, actor: Actor): Promise<TeamOutcome | null> {
    if (actor.isBot) return null;
    const gridJob = await this.d.team.gridJobOf(ref);
    if (gridJob) {
      const action = teamReaction(emoji, "grid");
      // On a grid only the tile numbers mean something; every other reaction is ignored there.
      if (!action) return { ok: true, message: "" };
      const outcome = await this.act(gridJob, action, actor);
      const grid = outcome.ok ? null : await this.d.records.get(gridJob);
      if (grid) await this.say(grid.job.origin, `⚠️ ${outcome.message}`);
      return outcome;
    }
    const action = teamReaction(emoji, "result");
    if (!action) return null;
    const record = await this.d.records.findByMessage(ref);
    if (!record?.result) return null;
    const outcome = await this.act(record.job.jobId, action, actor);
    // A reaction has no private reply: a refusal is said in the thread, like the re-run refusals.
    if (!outcome.ok) await this.say(record.job.origin, `⚠️ ${outcome.message}`);
    return outcome;
  }

  /** A button, or a reaction once its job is known. */
  async act(jobId: string, action: TeamAction, actor: Actor): Promise<TeamOutcome> {
    switch (action.kind) {
      case "compare":
        return this.compare(jobId, actor);
      case "try-strengths": {
        const outcome = await this.d.service.tryStrengths(jobId, actor);
        return outcome.ok
          ? { ok: true, message: "Trying four strengths: the grid will appear in the thread." }
          : { ok: false, message: outcome.error.userMessage };
      }
      case "pick-tile":
        return this.pickTile(jobId, action.tile, actor);
    }
  }

  /** Compare: the original and the result side by side, one image, no model call; rate-limited. */
  async compare(jobId: string, actor: Actor): Promise<TeamOutcome> {
    const record = await this.d.records.get(jobId);
    if (!record?.result) return fail(expiredText());
    const refused = await this.takeRate(actor);
    if (refused) return refused;
    const [before, after] = await Promise.all([
      this.d.images.get(record.job.imageKey),
      this.d.images.get(record.result.imageKey),
    ]);
    if (!before || !after) return fail(expiredText());
    const picture = await sideBySide(
      { png: before, label: "Before" },
      { png: after, label: `After · strength ${formatStrength(record.job.spec.strength)}` },
    );
    const key = await this.d.images.put(picture.png);
    const adapter = this.adapter(record.job.origin.platform);
    await adapter.postResult(
      { ...record.job.origin, statusMessageId: undefined },
      {
        job: record.job,
        result: { ...record.result, imageKey: key, width: picture.width, height: picture.height },
        png: picture.png,
        caption: compareCaption(record.job.spec, actor.userName),
        controls: [],
        posted: async () => {},
        reactions: { unicode: [], slack: [] },
        kind: "compare",
      },
    );
    return { ok: true, message: "Posted the before/after comparison in the thread." };
  }

  /**
   * A tile of a grid becomes a full result, with every control, from the stored tile: no model call.
   * The new job record points at the original picture, so its re-runs reuse the cached inversion.
   */
  async pickTile(gridJobId: string, tile: number, actor: Actor): Promise<TeamOutcome> {
    const grid = await this.d.records.get(gridJobId);
    const tiles = grid?.result?.tiles;
    if (!grid?.result || !tiles) return fail(expiredText());
    const chosen = tiles[tile - 1];
    if (!chosen) return fail(`This grid has ${tiles.length} tiles; pick 1 to ${tiles.length}.`);
    if (!(await this.d.images.touch(chosen.imageKey))) return fail(expiredText());
    const refused = await this.takeRate(actor);
    if (refused) return refused;
    const router = this.d.router();
    if (!router) return fail("The bot is still starting; try again in a moment.");
    const job = tileJob(grid, tile, actor);
    const result = {
      ...grid.result,
      imageKey: chosen.imageKey,
      width: chosen.width,
      height: chosen.height,
      transformerCalls: 0,
      inversionCached: true,
      totalMs: 0,
      timingsMs: {},
      tiles: undefined,
    };
    await this.d.records.save(job);
    await this.d.records.update(job.jobId, { status: "done", result });
    await router.postResult(job, result);
    return {
      ok: true,
      message: `Posted tile ${tile} (strength ${formatStrength(chosen.strength)}) as a result.`,
    };
  }

  async settingsOf(scope: ChannelScope) {
    return this.d.settings.get(scope);
  }

  /** /edit-settings with no arguments. */
  async showSettings(scope: ChannelScope): Promise<string> {
    const s = await this.d.settings.get(scope);
    const dflt = this.d.config.defaults;
    return settingsSummary(s, {
      strength: dflt.strength,
      sampler: dflt.sampler,
      rerun: this.d.config.rerunPolicy,
    });
  }

  /** /edit-settings with changes: moderators only; every change is announced in one line. */
  async changeSettings(scope: ChannelScope, actor: Actor, patch: SettingsPatch): Promise<TeamOutcome> {
    if (actor.isBot || (actor.platform !== "playground" && actor.canModerate !== true))
      return fail(SETTINGS_NOT_ALLOWED);
    const current = await this.d.settings.get(scope);
    const { next, changed } = applyPatch(current, patch);
    if (changed.length === 0)
      return { ok: true, message: "Nothing changed: those are already this channel's settings." };
    await this.d.settings.set(scope, next);
    const announce = settingsAnnouncement(actor.userName ?? "someone", next, changed);
    this.d.logger.info(
      { platform: scope.platform, channel: scope.channelId, changed },
      "channel settings changed",
    );
    return { ok: true, message: "Saved.", announce };
  }

  /** /edit-history in a thread: the chain of edits there, oldest first, with links. */
  async history(platform: Platform, thread: string): Promise<string> {
    const entries = await this.d.team.history(platform, thread);
    if (entries.length === 0) return "No edits in this thread yet (or they have expired).";
    return [
      `Edits in this thread (${entries.length}):`,
      ...entries.map((e, i) => `${i + 1}. ${e.line}${e.link ? ` · ${e.link}` : ""}`),
    ].join("\n");
  }

  /** The thread key a job's history is kept under; adapters pass theirs the same way. */
  historyThread(origin: Origin): string {
    return historyThreadOf(origin);
  }

  private async takeRate(actor: Actor): Promise<TeamOutcome | null> {
    const rate = await this.d.rateLimiter.take(
      this.d.keys.teamRate(actor.platform, actor.workspaceId, actor.userId),
    );
    if (rate.allowed) return null;
    const s = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
    return fail(`You're editing faster than this bot allows. Try again in ${s} s.`);
  }

  private async say(origin: Origin, text: string): Promise<void> {
    try {
      await this.adapter(origin.platform).postStatus(
        { ...origin, statusMessageId: undefined },
        { text, cancellable: false },
      );
    } catch (err) {
      this.d.logger.warn({ err }, "could not answer a team reaction in the thread");
    }
  }

  private adapter(platform: Platform): PlatformAdapter {
    const a = this.d.adapters.get(platform);
    if (!a) throw new UserFacingError("unavailable", `The ${platform} side of the bot is not running.`);
    return a;
  }
}

function tileJob(grid: JobRecord, tile: number, actor: Actor): EditJob {
  const strength = grid.result?.tiles?.[tile - 1]?.strength ?? grid.job.spec.strength;
  const { strengths: _strengths, ...rest } = grid.job;
  return {
    ...rest,
    jobId: newJobId(),
    kind: "rerun",
    origin: {
      ...grid.job.origin,
      statusMessageId: undefined,
      userId: actor.userId,
      userName: actor.userName,
    },
    spec: { ...grid.job.spec, strength },
    parentJobId: grid.job.jobId,
    requestedAt: Date.now(),
    via: { action: "tile", tile, fromStrength: grid.job.via?.fromStrength },
  };
}

function fail(message: string): TeamOutcome {
  return { ok: false, message };
}

function expiredText(): string {
  return "I can't find that edit any more (it may have expired). Start a new one with /edit.";
}
