import type { ImageInput } from "../../core/edit-request.js";
import { UserFacingError } from "../../core/errors/user-facing-error.js";
import type { BodyReader } from "../../core/image-intake.js";
import { IntakeBusyError } from "../../core/intake/errors/intake-busy-error.js";
import {
  EDIT_AGAIN_NEEDS_PROMPT,
  IMAGE_ONLY_HINT,
  NO_IMAGE_ATTACHED,
  noSlashHint,
  PLAYGROUND_HELP,
  PLAYGROUND_UNKNOWN_MESSAGE,
  tookNewestImageText,
} from "../../core/messages.js";
import { findNewestImage } from "../../core/newest-image.js";
import { actionFromControl, actionFromEmoji, parseControlId } from "../../core/rerun-action.js";
import {
  fieldNamed,
  parseSetting,
  parseSettingsText,
  type SettingsPatch,
} from "../../core/team/channel-settings.js";
import { parseTeamControlId } from "../../core/team/team-controls.js";
import type { Origin } from "../../core/types.js";
import type { ChannelSettings } from "../../queue/channel-settings-store.js";
import { TokenBucket } from "../../queue/token-bucket.js";
import type { BotContext } from "../../runtime/bot-context.js";
import type { ChannelStore } from "./channel-store.js";
import { parseCommand, parseEditArgs } from "./parse-command.js";
import { PLAYGROUND_CHANNEL, PLAYGROUND_WORKSPACE, refChannelId } from "./playground-adapter.js";
import { BOT_AUTHOR, type PlaygroundMessage } from "./playground-message.js";
import { actorFor, type PlaygroundUser } from "./playground-user.js";
import {
  ALL_REACTIONS_BURST,
  ALL_REACTIONS_PER_MINUTE,
  MAX_REACTIONS_PER_MESSAGE,
  REACTION_BURST,
  REACTION_MESSAGE_FULL,
  REACTION_NOT_OFFERED,
  REACTION_TOO_FAST,
  REACTIONS_PER_MINUTE,
  reactionAllowed,
} from "./reaction-policy.js";

const SCOPE = { platform: "playground", workspaceId: PLAYGROUND_WORKSPACE, channelId: PLAYGROUND_CHANNEL };

/** What the page gets back: ok, and a sentence to show when there is one for this person only. */
export interface ActionReply {
  ok: boolean;
  message?: string;
  messageId?: string;
  jobId?: string;
  /** The HTTP status when it is not 200 (a refusal the page should not retry at once). */
  status?: number;
  /** Redis was failing over: nothing was done, try again in a moment (HTTP 503). */
  busy?: boolean;
}

/** A picture sent with a message: its body is read only once an intake slot is free. */
export interface Upload {
  read: BodyReader;
  name?: string;
}

/**
 * What people do in the playground, turned into core calls: a message (maybe with a picture and a
 * command), a reaction, a button. Wording and rules stay in the core; this only finds the message,
 * the job and the person.
 */
export class PlaygroundActions {
  private readonly reactionRate: TokenBucket;
  private readonly allReactionsRate: TokenBucket;

  constructor(
    private readonly ctx: BotContext,
    private readonly store: ChannelStore,
  ) {
    this.reactionRate = new TokenBucket(ctx.redis, REACTIONS_PER_MINUTE, REACTION_BURST);
    this.allReactionsRate = new TokenBucket(ctx.redis, ALL_REACTIONS_PER_MINUTE, ALL_REACTIONS_BURST);
  }

  async post(user: PlaygroundUser, text: string, upload?: Upload, threadId?: string): Promise<ActionReply> {
    // The page never sends an empty message; a hand-made request that does is simply not posted.
    if (!text.trim() && !upload) return { ok: false };
    // The picture goes through the intake before anything is posted or stored: bounded, and only
    // what decodes as an image is kept (normalised, at the working size).
    let image: PlaygroundMessage["image"];
    let unreadable: UserFacingError | undefined;
    if (upload) {
      try {
        image = { sha: await this.ctx.intake.takeUpload(upload.read), name: upload.name };
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        if (err instanceof IntakeBusyError) return { ok: false, status: 503, message: err.userMessage };
        if (err.code === "image_too_large") return { ok: false, status: 413, message: err.userMessage };
        unreadable = err;
      }
    }
    const thread = threadId ? await this.store.get(threadId) : null;
    // A reply goes into the thread of the message it answers; threads do not nest.
    const inThread = thread ? (thread.threadId ?? thread.id) : undefined;
    const shown = unreadable ? `${text}\n📎 ${upload?.name ?? "file"}` : text;
    const message = await this.store.post({
      threadId: inThread,
      author: { id: user.id, name: user.name, bot: false },
      text: shown.trim(),
      image,
    });
    const command = parseCommand(text);
    const replyThread = inThread ?? message.id;
    switch (command.kind) {
      case "chat":
        // Silence would look like a broken bot to someone trying it for the first time.
        if (!command.text && image) await this.botSays(replyThread, IMAGE_ONLY_HINT);
        else if (command.text)
          await this.botSays(replyThread, noSlashHint(command.text, image !== undefined));
        return { ok: true, messageId: message.id };
      case "help":
        await this.botSays(replyThread, PLAYGROUND_HELP);
        return { ok: true, messageId: message.id };
      case "queue":
        await this.botSays(replyThread, await this.ctx.service.queueSummary(actorFor(user)));
        return { ok: true, messageId: message.id };
      case "settings": {
        if (!command.args) {
          await this.botSays(replyThread, await this.ctx.team.showSettings(SCOPE));
          return { ok: true, messageId: message.id };
        }
        const reply = await this.applySettings(user, () => parseSettingsText(command.args));
        if (!reply.ok && reply.message) await this.botSays(replyThread, `⚠️ ${reply.message}`);
        return { ...reply, messageId: message.id };
      }
      case "history":
        await this.botSays(
          replyThread,
          inThread
            ? await this.ctx.team.history("playground", inThread)
            : "Use /edit-history inside a thread: it lists that thread's chain of edits.",
        );
        return { ok: true, messageId: message.id };
      case "edit": {
        if (unreadable) {
          await this.botSays(replyThread, `⚠️ ${unreadable.userMessage}`);
          return { ok: false, message: unreadable.userMessage, messageId: message.id };
        }
        const input = image
          ? { kind: "stored" as const, key: image.sha }
          : await this.newestImage(inThread, replyThread);
        if (!input) {
          await this.botSays(replyThread, NO_IMAGE_ATTACHED);
          return { ok: false, message: NO_IMAGE_ATTACHED, messageId: message.id };
        }
        const origin: Origin = {
          platform: "playground",
          workspaceId: PLAYGROUND_WORKSPACE,
          channelId: PLAYGROUND_CHANNEL,
          threadId: inThread,
          messageId: message.id,
          userId: user.id,
          userName: user.name,
        };
        const outcome = await this.ctx.service.submit({
          origin,
          image: input,
          prompt: command.prompt,
          strength: command.strength,
          seed: command.seed,
        });
        return outcome.ok
          ? { ok: true, messageId: message.id, jobId: outcome.jobId }
          : {
              ok: false,
              messageId: message.id,
              message: outcome.error.userMessage,
              busy: outcome.error.code === "redis_failover" || undefined,
            };
      }
    }
  }

  /**
   * Toggles the person's reaction; adding one that means something re-runs or cancels. Only the
   * offered reactions, at a human pace, and a bounded number per message.
   */
  async react(user: PlaygroundUser, messageId: string, emoji: string): Promise<ActionReply> {
    if (!reactionAllowed(emoji)) return { ok: false, status: 400, message: REACTION_NOT_OFFERED };
    const rate = await this.reactionRate.take(`${this.ctx.keys.prefix}:playground:react-rate:${user.id}`);
    if (!rate.allowed) return { ok: false, status: 429, message: REACTION_TOO_FAST };
    const all = await this.allReactionsRate.take(`${this.ctx.keys.prefix}:playground:react-rate`);
    if (!all.allowed) return { ok: false, status: 429, message: REACTION_TOO_FAST };
    const outcome = await this.store.toggleReaction(messageId, emoji, user.id, MAX_REACTIONS_PER_MESSAGE);
    if (!outcome) return { ok: false, message: PLAYGROUND_UNKNOWN_MESSAGE };
    if (outcome === "full") return { ok: false, status: 429, message: REACTION_MESSAGE_FULL };
    if (!outcome.added) return { ok: true };
    const ref = {
      platform: "playground" as const,
      channelId: refChannelId(outcome.message.threadId),
      messageId,
    };
    const actor = actorFor(user);
    // Team reactions first: on a grid 1️⃣-4️⃣ pick a tile; elsewhere they stay strengths (the core decides).
    const team = await this.ctx.team.reaction(ref, emoji, actor);
    if (team) return { ok: team.ok, message: team.message };
    const action = actionFromEmoji(emoji);
    if (!action) return { ok: true };
    if (action.kind === "cancel") {
      const r = await this.ctx.service.cancelFromMessage(ref, actor);
      return r ? { ok: r.ok, message: r.message } : { ok: true };
    }
    const outcome2 = await this.ctx.service.rerunFromMessage(ref, action, actor);
    if (!outcome2) return { ok: true };
    return outcome2.ok
      ? { ok: true, jobId: outcome2.jobId }
      : { ok: false, message: outcome2.error.userMessage };
  }

  /** A button under a status or result message; its id names the control and the job. */
  async control(user: PlaygroundUser, id: string, text?: string): Promise<ActionReply> {
    const team = parseTeamControlId(id);
    if (team) {
      const r = await this.ctx.team.act(team.jobId, team.action, actorFor(user));
      return { ok: r.ok, message: r.message };
    }
    const parsed = parseControlId(id);
    if (!parsed) return { ok: false, message: PLAYGROUND_UNKNOWN_MESSAGE };
    const actor = actorFor(user);
    if (parsed.control === "cancel") {
      const r = await this.ctx.service.cancel(parsed.jobId, actor);
      return { ok: r.ok, message: r.message };
    }
    if (parsed.control === "edit-again") {
      const args = parseEditArgs(text ?? "");
      if (!args.prompt) return { ok: false, message: EDIT_AGAIN_NEEDS_PROMPT };
      const outcome = await this.ctx.service.editAgain(parsed.jobId, args.prompt, args.strength, actor);
      return outcome.ok
        ? { ok: true, jobId: outcome.jobId }
        : { ok: false, message: outcome.error.userMessage };
    }
    const action = actionFromControl(parsed.control);
    if (!action) return { ok: false, message: PLAYGROUND_UNKNOWN_MESSAGE };
    const outcome = await this.ctx.service.rerunJob(parsed.jobId, action, actor);
    return outcome.ok
      ? { ok: true, jobId: outcome.jobId }
      : { ok: false, message: outcome.error.userMessage };
  }

  /** The settings panel: this channel's defaults as stored, and as the bot would say them. */
  async settings(): Promise<{ settings: ChannelSettings; summary: string }> {
    return {
      settings: await this.ctx.channelSettings.get(SCOPE),
      summary: await this.ctx.team.showSettings(SCOPE),
    };
  }

  /** The settings panel's form: field name -> typed value ("" leaves a field alone, "default" clears it). */
  async changeSettings(user: PlaygroundUser, raw: unknown): Promise<ActionReply> {
    return this.applySettings(user, () => {
      const patch: SettingsPatch = {};
      if (raw && typeof raw === "object") {
        for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
          const field = fieldNamed(name);
          if (!field || value === undefined || value === null || String(value).trim() === "") continue;
          (patch as Record<string, unknown>)[field] = parseSetting(field, String(value).slice(0, 40));
        }
      }
      return patch;
    });
  }

  private async applySettings(user: PlaygroundUser, parse: () => SettingsPatch): Promise<ActionReply> {
    let patch: SettingsPatch;
    try {
      patch = parse();
    } catch (err) {
      if (err instanceof UserFacingError) return { ok: false, message: err.userMessage };
      throw err;
    }
    const r = await this.ctx.team.changeSettings(SCOPE, actorFor(user), patch);
    // The change is announced in the channel itself, for everyone, in one line.
    if (r.announce) await this.store.post({ author: BOT_AUTHOR, text: r.announce });
    return { ok: r.ok, message: r.message };
  }

  /**
   * For a bare `/edit`: the newest picture by the core's rule (thread, then channel), already in the
   * store (it went through the intake when it was posted), and the bot says which one it took.
   */
  private async newestImage(threadId: string | undefined, replyThread: string): Promise<ImageInput | null> {
    const newest = await findNewestImage({
      inThread: threadId ? () => this.store.latestImage(threadId) : undefined,
      inChannel: () => this.store.latestImage(),
    });
    if (!newest?.image.image) return null;
    const { image, author } = newest.image;
    await this.botSays(
      replyThread,
      tookNewestImageText(undefined, image.name, author.bot ? "me" : author.name, newest.where),
    );
    return { kind: "stored", key: image.sha };
  }

  private async botSays(threadId: string, text: string): Promise<void> {
    await this.store.post({ threadId, author: BOT_AUTHOR, text });
  }
}
