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

describe("playground in a real browser", () => {
  let stack: Stack;
  let playground: PlaygroundHandle;
  let browser: Browser;

  before(async () => {
    stack = await startStack({ prefix: uniquePrefix("pg-browser"), env: { PLAYGROUND_PORT: "0" } });
    playground = await startPlayground(stack.ctx);
    await stack.ctx.startDeliveries();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await stack?.close();
  });

  it("uploads, edits, re-runs stronger, and a second tab sees it all live", async () => {
    assert.notEqual(playground.port, 0);
    const alice = await openAs(browser, playground.url, "alice");
    const bob = await openAs(browser, playground.url, "bob");

    // The tiny demo model is running: the page says so before anything is edited.
    await alice.waitForSelector("[data-testid=demo-banner]:not([hidden])");
    assert.match((await alice.textContent("[data-testid=demo-banner]")) ?? "", /not a real edit/);

    await alice.setInputFiles("[data-testid=file]", {
      name: "square.png",
      mimeType: "image/png",
      buffer: await testPng(),
    });
    await alice.fill("[data-testid=text]", "/edit make it winter 0.7");
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
    // The status message in the thread ends as done, and the result carries the suggested reactions.
    await alice
      .locator("[data-testid=thread] [data-testid=bot-message]", { hasText: "Done" })
      .first()
      .waitFor();
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
