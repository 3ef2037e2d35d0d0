import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { type PlaygroundHandle, startPlayground } from "../../../src/platforms/playground/index.js";
import { type Stack, startStack, uniquePrefix } from "../../support/stack.js";
import { launchChromium } from "./browser.js";

const RESULT_TIMEOUT_MS = 60_000;

async function testPng(): Promise<Buffer> {
  // A real picture with structure (a gradient and a square), not a flat colour.
  const width = 96;
  const height = 64;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inSquare = x > 30 && x < 60 && y > 16 && y < 46;
      data[i] = inSquare ? 230 : (x * 255) / width;
      data[i + 1] = inSquare ? 40 : (y * 255) / height;
      data[i + 2] = 120;
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function openAs(browser: Browser, url: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.fill("[data-testid=name]", name);
  await page.press("[data-testid=name]", "Tab");
  return page;
}

/** A bot with the playground on its own key prefix (so its own empty channel), and a browser. */
function playgroundFixture(name: string) {
  const f = {} as { stack: Stack; playground: PlaygroundHandle; browser: Browser };
  before(async () => {
    f.stack = await startStack({ prefix: uniquePrefix(name), env: { PLAYGROUND_PORT: "0" } });
    f.playground = await startPlayground(f.stack.ctx);
    await f.stack.ctx.startDeliveries();
    f.browser = await launchChromium();
  });
  after(async () => {
    await f.browser?.close();
    await f.playground?.stop();
    await f.stack?.close();
  });
  return f;
}

describe("playground in a real browser, as a newcomer finds it", () => {
  const f = playgroundFixture("pg-newcomer");

  it("greets a newcomer in the empty channel, hints instead of staying silent, one message per result", async () => {
    const carol = await openAs(f.browser, f.playground.url, "carol");
    const notFound: string[] = [];
    carol.on("response", (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await carol.reload();

    // The empty channel explains itself, and the banner says what runs before anything ran.
    const greeting = carol.locator("[data-testid=greeting]");
    await greeting.waitFor();
    const greetingText = (await greeting.textContent()) ?? "";
    assert.match(greetingText, /\/edit make it winter/);
    assert.match(greetingText, /Strength/);
    assert.match((await carol.textContent("[data-testid=demo-banner]")) ?? "", /runs the demo model/);

    // An /edit with no picture anywhere yet: the answer is in the thread and repeated in a toast,
    // which must not cover the answer it repeats.
    await carol.fill("input[data-testid=text]", "/edit make it winter");
    await carol.click("[data-testid=send]");
    const answer = carol.locator("[data-testid=thread] [data-testid=bot-message]", {
      hasText: "I need an image",
    });
    await answer.waitFor();
    const toast = carol.locator("[data-testid=toast]:not([hidden])");
    await toast.waitFor();
    const [a, t] = [await answer.boundingBox(), await toast.boundingBox()];
    assert.ok(a && t);
    const overlaps =
      a.x < t.x + t.width && t.x < a.x + a.width && a.y < t.y + t.height && t.y < a.y + a.height;
    assert.ok(!overlaps, `toast ${JSON.stringify(t)} covers the answer ${JSON.stringify(a)}`);

    // Typing without the slash gets a hint in the thread of that message; the greeting gives way.
    await carol.fill("input[data-testid=text]", "make it winter");
    await carol.click("[data-testid=send]");
    await carol
      .locator("[data-testid=thread] [data-testid=bot-message]", { hasText: "Commands start with a slash" })
      .waitFor();
    assert.equal(await greeting.count(), 0);

    // A picture alone gets a hint too.
    await carol.setInputFiles("[data-testid=file]", {
      name: "square.png",
      mimeType: "image/png",
      buffer: await testPng(),
    });
    await carol.click("[data-testid=send]");
    await carol.locator("[data-testid=bot-message]", { hasText: "Got the picture" }).waitFor();

    // A bare /edit takes the newest picture in the channel and says which one.
    await carol.fill("input[data-testid=text]", "/edit make it winter 5");
    await carol.click("[data-testid=send]");
    const thread = carol.locator("[data-testid=thread]").last();
    await thread
      .locator("[data-testid=bot-message]", {
        hasText: 'newest one in this channel: "square.png" shared by carol',
      })
      .waitFor();
    const result = thread.locator("[data-testid=result]");
    await result.waitFor({ timeout: RESULT_TIMEOUT_MS });
    // The whole number stays in the prompt, and the bot says how strength is set.
    assert.match((await result.locator("[data-testid=text]").textContent()) ?? "", /make it winter 5/);
    assert.match((await result.locator("[data-testid=text]").textContent()) ?? "", /strength is 0-1/);

    // One message per result: the status message became the result, no separate "Done".
    const botTexts = await thread
      .locator("[data-testid=bot-message], [data-testid=result]")
      .allTextContents();
    assert.equal(botTexts.filter((t) => /Done in/.test(t)).length, 0, botTexts.join(" | "));
    assert.equal(botTexts.filter((t) => /Editing: "make it winter 5"/.test(t)).length, 0, "status replaced");
    assert.equal(await thread.locator("[data-testid=result]").count(), 1);

    // The bot's suggested reactions show no count; a person's reaction does.
    const plus = result.locator("[data-emoji='➕']");
    assert.equal((await plus.textContent())?.trim(), "➕");
    const die = result.locator("[data-emoji='🎲']");
    assert.equal((await die.textContent())?.trim(), "🎲");

    // The result opens full size on click, with a download link.
    const picture = result.locator("img[data-testid=picture]");
    await picture.click();
    const full = carol.locator("[data-testid=lightbox] img[data-testid=full-size]");
    await full.waitFor();
    await carol.waitForFunction("document.querySelector('[data-testid=full-size]')?.naturalWidth > 0");
    const [natural, shown] = await full.evaluate((img) => {
      const i = img as unknown as { naturalWidth: number; getBoundingClientRect(): { width: number } };
      return [i.naturalWidth, i.getBoundingClientRect().width];
    });
    assert.equal(natural, 96, "the result keeps the upload's size");
    assert.ok(shown >= natural, `shown ${shown}px wide, natural ${natural}px`);
    const download = carol.locator("[data-testid=lightbox] [data-testid=download]");
    assert.match((await download.getAttribute("href")) ?? "", /^\/images\/[0-9a-f]{64}\.png$/);
    assert.ok((await download.getAttribute("download")) !== null);
    await carol.keyboard.press("Escape");
    assert.equal(await carol.locator("[data-testid=lightbox]").count(), 0);

    assert.deepEqual(notFound, [], "no 404s (favicon included)");
    await mkdir("test-artifacts", { recursive: true });
    await carol.screenshot({ path: "test-artifacts/playground-newcomer.png", fullPage: true });
    await carol.context().close();
  });
});

describe("playground in a real browser", () => {
  const f = playgroundFixture("pg-browser");

  it("uploads, edits, re-runs stronger, and a second tab sees it all live", async () => {
    assert.notEqual(f.playground.port, 0);
    const alice = await openAs(f.browser, f.playground.url, "alice");
    const bob = await openAs(f.browser, f.playground.url, "bob");

    // The tiny demo model is running: the page says so before anything is edited.
    await alice.waitForSelector("[data-testid=demo-banner]:not([hidden])");
    assert.match((await alice.textContent("[data-testid=demo-banner]")) ?? "", /runs the demo model/);

    await alice.setInputFiles("[data-testid=file]", {
      name: "square.png",
      mimeType: "image/png",
      buffer: await testPng(),
    });
    await alice.fill("input[data-testid=text]", "/edit make it winter 0.7");
    await alice.click("[data-testid=send]");

    const first = alice.locator("[data-testid=result]").first();
    await first.waitFor({ timeout: RESULT_TIMEOUT_MS });
    assert.equal(await first.getAttribute("data-strength"), "0.7");
    assert.match((await first.locator("[data-testid=text]").textContent()) ?? "", /make it winter/);
    assert.match((await first.locator("[data-testid=text]").textContent()) ?? "", /Demo mode/);
    await first.locator("img[data-testid=picture]").waitFor();
    const natural = await first
      .locator("img[data-testid=picture]")
      .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    assert.ok(natural > 0, "the result picture loads from the image store");
    // The status message became the result, which carries the suggested reactions.
    assert.equal(await first.locator("[data-emoji='➕']").count(), 1);

    // Bob sees Alice's upload and the result without reloading.
    await bob.locator("[data-testid=user-message]", { hasText: "make it winter" }).waitFor();
    await bob.locator("[data-testid=result]").first().waitFor({ timeout: RESULT_TIMEOUT_MS });

    // Stronger: a second result at 0.8 appears in the same thread, for both.
    await first.locator("button", { hasText: "Stronger" }).click();
    const second = alice.locator("[data-testid=result][data-strength='0.8']");
    await second.waitFor({ timeout: RESULT_TIMEOUT_MS });
    await bob.locator("[data-testid=result][data-strength='0.8']").waitFor({ timeout: RESULT_TIMEOUT_MS });
    assert.equal(await alice.locator("[data-testid=thread] [data-testid=result]").count(), 2);

    // Bob reacts 🎲 on the first result: a new-seed re-run at the same strength, for Bob.
    await bob.locator("[data-testid=result]").first().locator("[data-emoji='🎲']").click();
    await alice
      .locator("[data-testid=result][data-strength='0.7']")
      .nth(1)
      .waitFor({ timeout: RESULT_TIMEOUT_MS });
    const seeds = await alice
      .locator("[data-testid=result][data-strength='0.7'] [data-testid=job]")
      .allTextContents();
    assert.equal(new Set(seeds).size, 2, `a new seed: ${seeds.join(" | ")}`);

    // The history survives a reload (it lives in Redis, not in the page).
    await bob.reload();
    await bob.locator("[data-testid=result]").nth(2).waitFor();
    assert.equal(await bob.locator("[data-testid=result]").count(), 3);

    await mkdir("test-artifacts", { recursive: true });
    await alice.setViewportSize({ width: 1000, height: 1700 });
    await alice.screenshot({ path: "test-artifacts/playground.png", fullPage: true });
  });
});
