import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import sharp from "sharp";
import { loadFluxModel } from "../../../gpu-worker/src/flux/load-flux-model.js";
import { type PlaygroundHandle, startPlayground } from "../../../src/platforms/playground/index.js";
import { FlakyFluxModel } from "../../support/flaky-flux-model.js";
import { type Stack, startStack, testLogger, uniquePrefix } from "../../support/stack.js";
import { launchChromium } from "./browser.js";

const WAIT = { timeout: 60_000 };

async function testPng(): Promise<Buffer> {
  const width = 192;
  const height = 128;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inSquare = x > 60 && x < 120 && y > 32 && y < 92;
      data[i] = inSquare ? 230 : (x * 255) / width;
      data[i + 1] = inSquare ? 40 : (y * 255) / height;
      data[i + 2] = 120;
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function openAs(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
  await page.goto(url);
  await page.fill("[data-testid=name]", name);
  await page.press("[data-testid=name]", "Tab");
  return page;
}

function naturalSize(msg: Locator): Promise<{ w: number; h: number }> {
  return msg.locator("img[data-testid=picture]").evaluate((img) => {
    const i = img as unknown as { naturalWidth: number; naturalHeight: number; complete: boolean };
    return { w: i.naturalWidth, h: i.naturalHeight };
  });
}

async function loaded(msg: Locator): Promise<{ w: number; h: number }> {
  await msg.locator("img[data-testid=picture]").waitFor();
  for (let i = 0; i < 100; i++) {
    const size = await naturalSize(msg);
    if (size.w > 0) return size;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("picture never loaded");
}

describe("playground: team editing in a real browser", () => {
  let stack: Stack;
  let playground: PlaygroundHandle;
  let browser: Browser;
  let model: FlakyFluxModel;

  before(async () => {
    model = new FlakyFluxModel(await loadFluxModel({ executionProvider: "cpu", logger: testLogger() }));
    stack = await startStack({ prefix: uniquePrefix("pg-team"), env: { PLAYGROUND_PORT: "0" }, model });
    playground = await startPlayground(stack.ctx);
    await stack.ctx.startDeliveries();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    await stack?.close();
    await model?.close();
  });

  it("compares, tries four strengths from one inversion, picks a tile, follows channel settings and links the history", async () => {
    const alice = await openAs(browser, playground.url, "alice");
    const bob = await openAs(browser, playground.url, "bob");
    await alice.setInputFiles("[data-testid=file]", {
      name: "square.png",
      mimeType: "image/png",
      buffer: await testPng(),
    });
    await alice.fill("[data-testid=text]", "/edit make it winter 0.5");
    await alice.click("[data-testid=send]");
    const first = alice.locator("[data-testid=result]").first();
    await first.waitFor(WAIT);
    const firstSize = await loaded(first);
    const firstText = (await first.locator("[data-testid=text]").textContent()) ?? "";
    assert.match(firstText, /Asked by @alice/);
    const firstCalls = Number(/(\d+) transformer calls/.exec(firstText)?.[1]);
    const firstId = await first.getAttribute("data-id");

    // Compare: one picture, the original and the result side by side, twice as wide; no model call.
    let calls = model.calls;
    await first.locator("button", { hasText: "Compare" }).click();
    const compare = alice.locator("[data-testid=compare]");
    await compare.waitFor(WAIT);
    const compareSize = await loaded(compare);
    assert.equal(compareSize.w, firstSize.w * 2, "twice as wide as the result");
    assert.equal(compareSize.h, firstSize.h);
    assert.equal(model.calls, calls, "Compare runs no model");

    // Bob reacts ➕: the new result names him and links its parent, without a mention.
    await bob.locator("[data-testid=result]").first().locator("[data-emoji='➕']").click();
    const stronger = alice.locator("[data-testid=result][data-strength='0.6']");
    await stronger.waitFor(WAIT);
    const strongerText = (await stronger.locator("[data-testid=text]").textContent()) ?? "";
    assert.match(strongerText, /➕ by @bob from strength 0\.5/);
    assert.equal(await stronger.locator("a[data-testid=parent-link]").getAttribute("href"), `#m-${firstId}`);
    const perPass = Number(/(\d+) transformer calls/.exec(strongerText)?.[1]);
    assert.ok(perPass > 0 && perPass < firstCalls, "the re-run reused the inversion");

    // Try strengths, with the inversion cache emptied: ONE inversion, then 4 edit passes.
    for (const key of await stack.redis.keys(`${stack.config.keyPrefix}:inv:*`)) await stack.redis.del(key);
    calls = model.calls;
    await first.locator("button", { hasText: "Try strengths" }).click();
    const grid = alice.locator("[data-testid=grid]");
    await grid.waitFor(WAIT);
    assert.equal(model.calls - calls, firstCalls + 3 * perPass, "one inversion and four edit passes");
    const gridSize = await loaded(grid);
    assert.equal(gridSize.w % 2, 0);
    assert.equal(gridSize.w / 2, firstSize.w, "2x2 tiles at the result's size");
    assert.equal(gridSize.h / 2, firstSize.h);
    const gridText = (await grid.locator("[data-testid=text]").textContent()) ?? "";
    assert.match(gridText, /🎚️ Try strengths by @alice from strength 0\.5: 0\.25 \/ 0\.5 \/ 0\.75 \/ 1\.0/);
    assert.match(gridText, new RegExp(`= ${model.calls - calls} transformer calls`));
    assert.deepEqual(await grid.locator(".controls button").allTextContents(), [
      "Use 1 (0.25)",
      "Use 2 (0.5)",
      "Use 3 (0.75)",
      "Use 4 (1.0)",
    ]);
    await mkdir("test-artifacts", { recursive: true });
    await alice.locator("[data-testid=toast]").evaluate((t) => {
      (t as unknown as { hidden: boolean }).hidden = true;
    });
    await grid.screenshot({ path: "test-artifacts/team-grid.png" });
    await compare.screenshot({ path: "test-artifacts/team-compare.png" });

    // 3️⃣ on the GRID picks tile 3 (strength 0.75, not 0.3): a full result, no model call.
    calls = model.calls;
    await bob.locator("[data-testid=grid] [data-emoji='3️⃣']").click();
    const picked = alice.locator("[data-testid=result][data-strength='0.75']");
    await picked.waitFor(WAIT);
    assert.equal(model.calls, calls, "a picked tile runs no model");
    assert.match((await picked.locator("[data-testid=text]").textContent()) ?? "", /3️⃣ picked by @bob/);
    assert.equal(await picked.locator("button", { hasText: "Stronger" }).count(), 1, "with all controls");
    assert.equal(await picked.locator("button", { hasText: "Try strengths" }).count(), 1);

    // Channel settings from the panel: announced in one line, and the next /edit uses them.
    await bob.click("[data-testid=settings] summary");
    // The panel loads the current settings when it opens; type only once they are in.
    await bob
      .locator("[data-testid=settings-summary]", { hasText: "This channel's edit defaults" })
      .waitFor();
    await bob.fill("#set-strength", "0.3");
    await bob.selectOption("#set-try", "off");
    await bob.click("[data-testid=settings-save]");
    await alice
      .locator("[data-testid=bot-message]", {
        hasText: "⚙️ @bob set the default strength to 0.3 and Try strengths to off.",
      })
      .waitFor(WAIT);
    await alice.fill("input[data-testid=text]", "/edit make it night");
    await alice.click("[data-testid=send]");
    await alice.locator("[data-testid=result][data-strength='0.3']").waitFor(WAIT);
    await alice
      .locator("[data-testid=result][data-strength='0.3'] button", { hasText: "Try strengths" })
      .click();
    await alice
      .locator("[data-testid=bot-message]", { hasText: "Try strengths is turned off in this channel" })
      .first()
      .waitFor(WAIT);

    // /edit-history in the first thread lists the chain, with links to each result.
    await alice
      .locator("[data-testid=user-message]", { hasText: "make it winter" })
      .locator("button", { hasText: "Reply in thread" })
      .click();
    await alice.fill("input[data-testid=text]", "/edit-history");
    await alice.click("[data-testid=send]");
    const history = alice.locator("[data-testid=bot-message]", { hasText: "Edits in this thread" });
    await history.waitFor(WAIT);
    const historyText = (await history.locator("[data-testid=text]").textContent()) ?? "";
    assert.match(historyText, /1\. Asked by @alice · "make it winter" · strength 0\.5/);
    assert.match(historyText, /➕ by @bob from strength 0\.5/);
    assert.match(historyText, /3️⃣ picked by @bob/);
    assert.ok(
      (await history.locator("a[data-testid=parent-link]").count()) >= 4,
      "every entry links its result",
    );
  });
});
