import type { ImageInput } from "../../core/edit-request.js";
import { UserFacingError } from "../../core/errors/user-facing-error.js";
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
import type { BotContext } from "../../runtime/bot-context.js";
import type { ChannelStore } from "./channel-store.js";
import { sniffImageType } from "./image-type.js";
import { parseCommand, parseEditArgs } from "./parse-command.js";
import { PLAYGROUND_CHANNEL, PLAYGROUND_WORKSPACE, refChannelId } from "./playground-adapter.js";
import { BOT_AUTHOR, type PlaygroundMessage } from "./playground-message.js";
import { actorFor, type PlaygroundUser } from "./playground-user.js";

const SCOPE = { platform: "playground", workspaceId: PLAYGROUND_WORKSPACE, channelId: PLAYGROUND_CHANNEL };

/** What the page gets back: ok, and a sentence to show when there is one for this person only. */
export interface ActionReply {
  ok: boolean;
  message?: string;
  messageId?: string;
  jobId?: string;
  /** Redis was failing over: nothing was done, try again in a moment (HTTP 503). */
  busy?: boolean;
}

export interface Upload {
  bytes: Buffer;
  name?: string;
}

/**
 * What people do in the playground, turned into core calls: a message (maybe with a picture and a
 * command), a reaction, a button. Wording and rules stay in the core; this only finds the message,
 * the job and the person.
 */
export class PlaygroundActions {
  constructor(
    private readonly ctx: BotContext,
    private readonly store: ChannelStore,
  ) {}

  async post(user: PlaygroundUser, text: string, upload?: Upload, threadId?: string): Promise<ActionReply> {
    // The page never sends an empty message; a hand-made request that does is simply not posted.
    if (!text.trim() && !upload?.bytes.length) return { ok: false };
    const thread = threadId ? await this.store.get(threadId) : null;
    // A reply goes into the thread of the message it answers; threads do not nest.
    const inThread = thread ? (thread.threadId ?? thread.id) : undefined;
    let image: PlaygroundMessage["image"];
    if (upload && upload.bytes.length > 0 && sniffImageType(upload.bytes)) {
      image = { sha: await this.ctx.images.put(upload.bytes), name: upload.name };
    }
    const shown = upload && !image && upload.bytes.length > 0 ? `${text}\n📎 ${upload.name ?? "file"}` : text;
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
        const input = await this.imageFor(upload, inThread, replyThread);
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

  /** Toggles the person's reaction; adding one that means something re-runs or cancels. */
  async react(user: PlaygroundUser, messageId: string, emoji: string): Promise<ActionReply> {
    let added = false;
    const updated = await this.store.update(messageId, (m) => {
      const reactions = m.reactions.map((r) => ({ ...r, users: [...r.users] }));
      let entry = reactions.find((r) => r.emoji === emoji);
      if (!entry) {
        entry = { emoji, users: [] };
        reactions.push(entry);
      }
      if (entry.users.includes(user.id)) entry.users = entry.users.filter((u) => u !== user.id);
      else {
        entry.users.push(user.id);
        added = true;
      }
      return { ...m, reactions: reactions.filter((r) => r.users.length > 0) };
    });
    if (!updated) return { ok: false, message: PLAYGROUND_UNKNOWN_MESSAGE };
    if (!added) return { ok: true };
    const ref = { platform: "playground" as const, channelId: refChannelId(updated.threadId), messageId };
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
    const outcome = await this.ctx.service.rerunFromMessage(ref, action, actor);
    if (!outcome) return { ok: true };
    return outcome.ok
      ? { ok: true, jobId: outcome.jobId }
      : { ok: false, message: outcome.error.userMessage };
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
   * The uploaded file, or else the newest picture by the core's rule (thread, then channel), and the
   * bot says which one it took.
   */
  private async imageFor(
    upload: Upload | undefined,
    threadId: string | undefined,
    replyThread: string,
  ): Promise<ImageInput | null> {
    if (upload && upload.bytes.length > 0) return { kind: "bytes", bytes: upload.bytes, name: upload.name };
    const newest = await findNewestImage({
      inThread: threadId ? () => this.store.latestImage(threadId) : undefined,
      inChannel: () => this.store.latestImage(),
    });
    if (!newest?.image.image) return null;
    const { image, author } = newest.image;
    const bytes = await this.ctx.images.get(image.sha);
    if (!bytes) return null;
    await this.botSays(
      replyThread,
      tookNewestImageText(undefined, image.name, author.bot ? "me" : author.name, newest.where),
    );
    return { kind: "bytes", bytes, name: image.name };
  }

  private async botSays(threadId: string, text: string): Promise<void> {
    await this.store.post({ threadId, author: BOT_AUTHOR, text });
  }
}
