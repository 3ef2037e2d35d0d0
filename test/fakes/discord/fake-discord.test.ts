import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  LabelBuilder,
  type MessageReaction,
  ModalBuilder,
  Partials,
  TextInputBuilder,
  TextInputStyle,
  type User,
} from "discord.js";
import sharp from "sharp";
import { FakeDiscord, option, type RecordedRequest } from "./index.js";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GfAkE0.fake-token-for-tests-only-0000000000";

function newClient(fake: FakeDiscord): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
    rest: { api: fake.apiUrl },
  });
}

async function logIn(client: Client): Promise<void> {
  const ready = once(client, Events.ClientReady);
  await client.login(TOKEN);
  await ready;
}

function png(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

describe("fake Discord with the real discord.js client", () => {
  let fake: FakeDiscord;
  let client: Client;

  before(async () => {
    fake = await FakeDiscord.start({ token: TOKEN });
    client = newClient(fake);
    await logIn(client);
  });

  after(async () => {
    await client.destroy();
    await fake.close();
  });

  it("logs in with the gateway address it got from GET /gateway/bot", async () => {
    const gatewayCall = fake.findRequests((r) => r.method === "GET" && r.path === "/gateway/bot");
    assert.equal(gatewayCall.length, 1);
    assert.equal(gatewayCall[0].headers.authorization, `Bot ${TOKEN}`);
    assert.equal(gatewayCall[0].status, 200);
    assert.equal(fake.gateway.identifyCount, 1);
    assert.equal(client.user?.id, fake.botUser.id);
    assert.equal(client.application?.id, fake.applicationId);
    const guild = client.guilds.cache.get(fake.guildId);
    assert.ok(guild, "the GUILD_CREATE after READY filled the guild cache");
    assert.ok(guild.channels.cache.get(fake.channelId)?.isTextBased());
  });

  it("rejects a wrong token with 401, as Discord does", async () => {
    const response = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: "Bot wrong" } });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { message: "401: Unauthorized", code: 0 });
  });

  it("delivers a slash command with an attachment, records the defer and the multipart upload", async () => {
    const source = await png(16, 8, [200, 10, 10]);
    const attachment = await fake.addAttachment({ filename: "cat.png", bytes: source, ephemeral: true });
    const result = await png(32, 16, [10, 10, 200]);
    const payload = fake.build.slashCommand({
      name: "edit",
      options: [
        option.attachment("image", attachment),
        option.string("prompt", "make it blue"),
        option.number("strength", 0.6),
      ],
    });

    const seen = new Promise<{
      downloaded: Buffer;
      prompt: string;
      strength: number | null;
      width: number | null;
    }>((resolve, reject) => {
      client.once(Events.InteractionCreate, async (interaction) => {
        try {
          assert.ok(interaction.isChatInputCommand());
          const command = interaction as ChatInputCommandInteraction;
          const image = command.options.getAttachment("image", true);
          const downloaded = Buffer.from(await (await fetch(image.url)).arrayBuffer());
          await command.deferReply();
          await command.editReply({ content: "done", files: [{ attachment: result, name: "result.png" }] });
          resolve({
            downloaded,
            prompt: command.options.getString("prompt", true),
            strength: command.options.getNumber("strength"),
            width: image.width,
          });
        } catch (error) {
          reject(error);
        }
      });
    });
    fake.dispatch("INTERACTION_CREATE", payload);
    const handled = await seen;
    assert.deepEqual(handled.downloaded, source);
    assert.equal(handled.prompt, "make it blue");
    assert.equal(handled.strength, 0.6);
    assert.equal(handled.width, 16);

    const defer = await fake.waitForRequest(
      (r) =>
        r.route === "/interactions/:interactionId/:token/callback" && r.params.interactionId === payload.id,
    );
    assert.equal((defer.body as { type: number }).type, 5);
    assert.equal(defer.status, 204);
    const edit = await fake.waitForRequest(
      (r: RecordedRequest) =>
        r.method === "PATCH" &&
        r.path === `/webhooks/${fake.applicationId}/${payload.token}/messages/@original`,
    );
    assert.equal(edit.files.length, 1);
    assert.deepEqual(edit.files[0].bytes, result);
    assert.equal(edit.files[0].filename, "result.png");
    assert.equal(edit.files[0].contentType, "image/png");
    assert.equal((edit.body as { content: string }).content, "done");

    const record = fake.interaction(payload.id);
    assert.ok(record?.originalMessageId);
    const original = fake.message(record.originalMessageId);
    assert.equal(original?.content, "done");
    assert.equal(original?.flags, 0, "the loading flag of the deferred reply is cleared by the edit");
    assert.equal(original?.attachments[0].width, 32);
    const served = await fetch(original?.attachments[0].url ?? "");
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), result);
  });

  it("lets the bot open a thread on its reply and post in it", async () => {
    const payload = fake.build.slashCommand({ name: "edit-queue" });
    const done = new Promise<string>((resolve, reject) => {
      client.once(Events.InteractionCreate, async (interaction) => {
        try {
          assert.ok(interaction.isChatInputCommand());
          const reply = await interaction.reply({ content: "queued", withResponse: true });
          const message = reply.resource?.message;
          assert.ok(message);
          const thread = await message.startThread({ name: "edit: make it blue" });
          await thread.send("queued, position 1");
          resolve(thread.id);
        } catch (error) {
          reject(error);
        }
      });
    });
    fake.dispatch("INTERACTION_CREATE", payload);
    const threadId = await done;
    const original = fake.interaction(payload.id)?.originalMessageId;
    assert.equal(threadId, original, "a thread started from a message has the message's id");
    assert.equal(fake.channel(threadId).type, 11);
    assert.deepEqual(
      fake.messagesIn(threadId).map((m) => m.content),
      ["queued, position 1"],
    );
    assert.equal(fake.threadsIn(fake.channelId).length, 1);
  });

  it("delivers a reaction on an uncached message as messageReactionAdd with partials", async () => {
    const message = fake.addMessage({ content: "result" });
    const got = once(client, Events.MessageReactionAdd) as Promise<[MessageReaction, User]>;
    fake.dispatch("MESSAGE_REACTION_ADD", fake.build.reactionAdd({ message, emoji: "➕" }));
    const [reaction, user] = await got;
    assert.equal(reaction.emoji.name, "➕");
    assert.equal(reaction.message.id, message.id);
    assert.ok(reaction.message.partial);
    assert.equal(user.id, fake.user.id);
    const fetched = await reaction.message.fetch();
    assert.equal(fetched.content, "result");
    assert.equal(fetched.reactions.cache.get("➕")?.count, 1);
  });

  it("answers a 429 once, and discord.js waits and retries until the request succeeds", async () => {
    fake.rateLimit({
      method: "POST",
      path: "/channels/:channelId/messages",
      times: 1,
      retryAfterSeconds: 0.05,
    });
    const since = fake.mark();
    const channel = await client.channels.fetch(fake.channelId);
    assert.ok(channel?.isSendable());
    const sent = await channel.send("after the rate limit");
    const posts = await fake.waitForRequests(
      (r) => r.method === "POST" && r.route === "/channels/:channelId/messages",
      2,
      5000,
      { sinceSeq: since },
    );
    assert.equal(posts[0].status, 429);
    assert.ok(posts[0].injected);
    assert.equal((posts[0].response as { retry_after: number }).retry_after, 0.05);
    assert.equal(posts[1].status, 200);
    assert.equal(fake.message(sent.id)?.content, "after the rate limit");
  });

  it("delivers the message context menu, records the modal, then delivers the modal submit", async () => {
    const image = await fake.addAttachment({ filename: "dog.png", bytes: await png(8, 8, [0, 200, 0]) });
    const target = fake.addMessage({ content: "look", attachments: [image] });
    const menu = fake.build.messageCommand({ name: "Edit image", target });
    const shown = new Promise<string | undefined>((resolve, reject) => {
      client.once(Events.InteractionCreate, async (interaction) => {
        try {
          assert.ok(interaction.isMessageContextMenuCommand());
          const url = interaction.targetMessage.attachments.first()?.url;
          // Discord's current modal layout: each text input inside a Label component (type 18).
          const prompt = new TextInputBuilder().setCustomId("prompt").setStyle(TextInputStyle.Short);
          await interaction.showModal(
            new ModalBuilder()
              .setCustomId(`edit:${interaction.targetId}`)
              .setTitle("Edit image")
              .addLabelComponents(new LabelBuilder().setLabel("Prompt").setTextInputComponent(prompt)),
          );
          resolve(url);
        } catch (error) {
          reject(error);
        }
      });
    });
    fake.dispatch("INTERACTION_CREATE", menu);
    assert.equal(await shown, image.url);
    const modal = fake.interaction(menu.id)?.modal as {
      custom_id: string;
      title: string;
      components: { type: number; component?: { custom_id: string } }[];
    };
    assert.equal(modal.custom_id, `edit:${target.id}`);
    assert.equal(modal.components[0].type, 18);
    assert.equal(modal.components[0].component?.custom_id, "prompt");
    assert.equal(fake.interaction(menu.id)?.callbacks[0].type, 9);

    const submit = fake.build.modalSubmit({ customId: modal.custom_id, fields: { prompt: "a red dog" } });
    const submitted = new Promise<string>((resolve, reject) => {
      client.once(Events.InteractionCreate, async (interaction) => {
        try {
          assert.ok(interaction.isModalSubmit());
          await interaction.reply({ content: "queued" });
          resolve(interaction.fields.getTextInputValue("prompt"));
        } catch (error) {
          reject(error);
        }
      });
    });
    fake.dispatch("INTERACTION_CREATE", submit);
    assert.equal(await submitted, "a red dog");
    assert.equal(fake.interaction(submit.id)?.callbacks[0].type, 4);
  });

  it("delivers a button on the bot's message; deferUpdate and a second ack are answered as on Discord", async () => {
    const channel = await client.channels.fetch(fake.channelId);
    assert.ok(channel?.isSendable());
    const result = await channel.send({
      content: "result",
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId("again").setLabel("Edit again").setStyle(ButtonStyle.Primary),
        ),
      ],
    });
    const source = fake.message(result.id);
    assert.ok(source);
    const press = fake.build.component({ customId: "again", message: source });
    const handled = new Promise<void>((resolve, reject) => {
      client.once(Events.InteractionCreate, async (interaction) => {
        try {
          assert.ok(interaction.isButton());
          assert.equal(interaction.message.id, result.id);
          await interaction.deferUpdate();
          await interaction.editReply({ content: "result (re-running)" });
          resolve();
        } catch (error) {
          reject(error);
        }
      });
    });
    fake.dispatch("INTERACTION_CREATE", press);
    await handled;
    assert.equal(fake.interaction(press.id)?.callbacks[0].type, 6);
    assert.equal(fake.message(result.id)?.content, "result (re-running)");
    const second = await fetch(`${fake.apiUrl}/v10/interactions/${press.id}/${press.token}/callback`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: 4, data: { content: "twice" } }),
    });
    assert.equal(second.status, 400);
    assert.equal(((await second.json()) as { code: number }).code, 40060);
  });

  it("resumes the session after a gateway reconnect request and delivers events dispatched meanwhile", async () => {
    const resumed = once(client, Events.ShardResume);
    fake.gateway.requestReconnect();
    const message = fake.addMessage({ content: "during the reconnect" });
    const got = once(client, Events.MessageReactionAdd) as Promise<[MessageReaction, User]>;
    fake.dispatch("MESSAGE_REACTION_ADD", fake.build.reactionAdd({ message, emoji: "🔟" }));
    await resumed;
    const [reaction] = await got;
    assert.equal(reaction.emoji.name, "🔟");
    assert.equal(fake.gateway.resumeCount, 1);
    assert.equal(fake.gateway.identifyCount, 1, "a resume does not identify again");
  });

  it("answers 100 interactions dispatched at once, each deferred and edited exactly once", async () => {
    const image = await png(64, 64, [9, 9, 9]);
    const listener = async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({ files: [{ attachment: image, name: "r.png" }] });
    };
    client.on(Events.InteractionCreate, listener);
    try {
      const since = fake.mark();
      const payloads = Array.from({ length: 100 }, () => fake.build.slashCommand({ name: "edit-queue" }));
      for (const payload of payloads) fake.dispatch("INTERACTION_CREATE", payload);
      const edits = await fake.waitForRequests(
        (r) => r.method === "PATCH" && r.files.length === 1,
        100,
        20000,
        {
          sinceSeq: since,
        },
      );
      assert.equal(new Set(edits.map((r) => r.params.token)).size, 100);
      for (const payload of payloads) {
        const record = fake.interaction(payload.id);
        assert.deepEqual(
          record?.callbacks.map((c) => c.type),
          [5],
        );
        assert.equal(fake.message(record?.originalMessageId ?? "")?.attachments[0]?.size, image.length);
      }
    } finally {
      client.off(Events.InteractionCreate, listener);
    }
  });

  it("lets a second client log in after the first is destroyed", async () => {
    await client.destroy();
    client = newClient(fake);
    await logIn(client);
    assert.equal(fake.gateway.identifyCount, 2);
    assert.equal(fake.gateway.connectedSessions().length, 1, "the destroyed client's session ended");
    assert.equal(fake.findRequests((r) => r.path === "/gateway/bot").length, 2);
    const message = fake.addMessage({ content: "again" });
    const got = once(client, Events.MessageReactionAdd) as Promise<[MessageReaction, User]>;
    assert.equal(fake.dispatch("MESSAGE_REACTION_ADD", fake.build.reactionAdd({ message, emoji: "🎲" })), 1);
    const [reaction] = await got;
    assert.equal(reaction.emoji.name, "🎲");
  });
});
