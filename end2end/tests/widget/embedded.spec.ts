import AxeBuilder from "@axe-core/playwright";
import zlib from "node:zlib";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { createChatbot, pageErrors, signIn } from "../support/console";
import { waitUntilReady } from "../support/knowledge";
import { startHostPage } from "./host-page";

const chatdeck = process.env.CHATDECK_BASE_URL ?? "http://127.0.0.1:3000";
const headers = () => ({ "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" });
const stamp = () => Date.now().toString(36);

let host: Awaited<ReturnType<typeof startHostPage>>;
test.beforeAll(async () => {
  host = await startHostPage(chatdeck);
});
test.afterAll(async () => {
  await host.close();
});

/** A public bot whose widget may run on `origins`, knowing one fact to answer with. */
async function publicBot(request: APIRequestContext, origins: string[]) {
  const bot = await createChatbot(request, {
    name: `Kettles ${stamp()}`,
    is_public: true,
    settings: { greeting: "Hi! Ask me about kettles." },
  });
  const widget = await request.patch(`/api/external/chatbot/${bot.id}/chat-widget`, {
    headers: headers(),
    data: { allowedOrigins: origins, primaryColor: "#0F766E" },
  });
  expect(widget.status()).toBe(200);
  const text = await request.post(`/api/external/chatbot/${bot.id}/knowledge-base/text`, {
    headers: headers(),
    data: { title: "Descaling", text: "Descale the kettle every month with white vinegar and rinse it twice." },
  });
  expect(text.status()).toBeLessThan(300);
  await waitUntilReady(request, bot.id);
  return bot;
}

/** Everything the page and its frames said, and every request that failed, from now on: a
 * panel that does not hydrate says why here. */
function frameTrouble(page: Page): string[] {
  const said: string[] = [];
  page.on("console", (m) => said.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => said.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => said.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  return said;
}

/** Waits until the panel's island has hydrated (its lazy chunks loaded). */
async function panelReady(page: Page, said: string[]) {
  const frame = page.frameLocator('iframe[title="Chat"]');
  await expect(frame.getByTestId("live-widget"), said.join("\n")).toHaveAttribute("data-ready", "true", {
    timeout: 20_000,
  });
  return frame;
}

test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  const panel = page.frames().find((f) => f.url().includes("/widget/"));
  const shown = panel ? await panel.locator("body").innerText().catch((e) => `(unreadable: ${e})`) : "(no panel)";
  console.log(`the chat panel showed:\n${shown}`);
  // Where the keys were going: the host page's focus (into the launcher's shadow root), the
  // panel's own.
  const hostFocus = await page
    .evaluate(() => {
      const outer = document.activeElement;
      const inner = outer?.shadowRoot?.activeElement;
      return `${outer?.tagName} > ${inner?.tagName} ${inner?.getAttribute("aria-label") ?? ""}`;
    })
    .catch((e) => `(unreadable: ${e})`);
  const panelFocus = panel
    ? await panel
        .evaluate(() => `${document.activeElement?.tagName}#${document.activeElement?.id} hasFocus=${document.hasFocus()}`)
        .catch((e) => `(unreadable: ${e})`)
    : "(no panel)";
  console.log(`focus: host page ${hostFocus}; panel ${panelFocus}`);
});

/** Presses Tab (or Shift+Tab) until `target` has the focus: a keyboard user's walk, at most
 * `presses` keys. */
async function tabUntilFocused(page: Page, target: Locator, key = "Tab", presses = 12) {
  for (let n = 0; n < presses; n++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}
const shiftTabUntilFocused = (page: Page, target: Locator) => tabUntilFocused(page, target, "Shift+Tab");

async function openWidget(page: Page) {
  const said = frameTrouble(page);
  const launcher = page.getByRole("button", { name: "Open chat" });
  await expect(launcher).toBeVisible();
  await launcher.click();
  return panelReady(page, said);
}

/** Whether a CSS colour is dark (Tailwind writes its palette in `oklch()`; cargo-leptos's build
 * of the console's style sheet turns it into `lab()`). */
function isDark(color: string): boolean {
  const lab = /^lab\(([\d.]+)/.exec(color);
  if (lab) return Number(lab[1]) < 25;
  const oklch = /^oklch\(([\d.]+)(%?)/.exec(color);
  if (oklch) return Number(oklch[1]) / (oklch[2] ? 100 : 1) < 0.3;
  const rgb = /^rgba?\((\d+), (\d+), (\d+)/.exec(color);
  return !!rgb && Number(rgb[1]) + Number(rgb[2]) + Number(rgb[3]) < 150;
}

test("a visitor chats through the embed tag on another site, and a person takes over from the inbox", async ({
  page,
  request,
  browser,
}) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  const errors = pageErrors(page);
  // Every layout shift of the host page, from its first paint on: the widget may cause none.
  await page.addInitScript(() => {
    (window as unknown as { shifts: number[] }).shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) (window as unknown as { shifts: number[] }).shifts.push((entry as unknown as { value: number }).value);
    }).observe({ type: "layout-shift", buffered: true });
  });
  const attrs = 'data-header="Kettle help" data-name="Kettle bot" data-slogan="Answers in seconds" data-primary-color="#0F766E"';
  await page.goto(`${siteOrigin}/?bot=${bot.id}&attrs=${encodeURIComponent(attrs)}`);

  // The launcher sits fixed in the corner despite the page's `* { all: unset }`, in the tag's colour.
  const launcher = page.getByRole("button", { name: "Open chat" });
  await expect(launcher).toBeVisible();
  const box = (await launcher.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(viewport.width - (box.x + box.width)).toBeLessThan(40);
  expect(viewport.height - (box.y + box.height)).toBeLessThan(40);
  await expect(launcher).toHaveCSS("background-color", "rgb(15, 118, 110)");

  const frame = await openWidget(page);
  await expect(frame.getByRole("heading", { name: "Kettle help" })).toBeVisible();
  await expect(frame.getByTestId("widget-name")).toHaveText("Kettle bot");
  await expect(frame.getByText("Answers in seconds")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts)).toEqual([]);
  await expect(frame.getByTestId("widget-greeting")).toHaveText("Hi! Ask me about kettles.");
  await expect(frame.getByLabel("Message")).toBeFocused();

  await frame.getByLabel("Message").fill("How often should I descale the kettle?");
  await frame.getByRole("button", { name: "Send" }).click();
  const answer = frame.locator('[data-testid="widget-message"][data-author="bot"]').last();
  await expect(answer).toContainText("vinegar", { timeout: 20_000 });

  // The owner sees it in the inbox, takes it over and replies; the reply reaches the widget.
  const conversations = await (
    await request.get(`/api/external/chatbot/${bot.id}/conversations`, { headers: headers() })
  ).json();
  expect(conversations.data).toHaveLength(1);
  const session = conversations.data[0];
  expect(session.platform).toBe("web");
  const owner = await (await browser.newContext({ baseURL: chatdeck })).newPage();
  await signIn(owner, `/chatbots/${bot.id}/conversations?c=${session.id}`);
  await expect(owner.getByTestId("inbox")).toHaveAttribute("data-ready", "true");
  const thread = owner.getByTestId("thread");
  await expect(thread).toContainText("How often should I descale the kettle?");
  await thread.getByTestId("takeover").click();
  await expect(thread.getByTestId("human-badge")).toBeVisible();
  await thread.getByLabel("Reply").fill("Hello, this is Sam from the shop.");
  await thread.getByRole("button", { name: "Send reply" }).click();
  // Within 2 seconds of the reply being stored (the console shows it once it is).
  await expect(thread.locator('[data-testid="thread-message"]').last()).toContainText("this is Sam from the shop");
  const replied = Date.now();
  await expect(frame.locator('[data-testid="widget-message"][data-author="person"]')).toContainText(
    "this is Sam from the shop",
    { timeout: 5_000 },
  );
  expect(Date.now() - replied).toBeLessThanOrEqual(2_000);

  // While the person has it, the visitor's message reaches them and no bot answers.
  await frame.getByLabel("Message").fill("Thanks Sam!");
  await frame.getByRole("button", { name: "Send" }).click();
  await expect(thread.locator('[data-testid="thread-message"][data-writer="visitor"]').last()).toContainText(
    "Thanks Sam!",
    { timeout: 15_000 },
  );
  await thread.getByTestId("takeover").click();
  await expect(thread.getByTestId("human-badge")).toHaveCount(0);

  // Handed back, the bot answers again.
  await frame.getByLabel("Message").fill("And how often should I descale it?");
  await frame.getByRole("button", { name: "Send" }).click();
  await expect(frame.locator('[data-testid="widget-message"][data-author="bot"]')).toHaveCount(2, { timeout: 20_000 });
  await expect(frame.locator('[data-testid="widget-message"][data-author="bot"]').last()).toContainText("vinegar");

  // The conversation stays with the tab across a reload of the site.
  await page.reload();
  const again = await openWidget(page);
  await expect(again.locator('[data-testid="widget-message"]')).toHaveCount(6);

  // "New conversation" starts another one: an empty thread under the greeting, a new session.
  await again.getByRole("button", { name: "New conversation" }).click();
  await expect(again.locator('[data-testid="widget-message"]')).toHaveCount(0);
  await expect(again.getByTestId("widget-greeting")).toBeVisible();
  await again.getByLabel("Message").fill("Do you sell filters?");
  await again.getByRole("button", { name: "Send" }).click();
  await expect(again.locator('[data-testid="widget-message"][data-author="bot"]')).toHaveCount(1, { timeout: 20_000 });
  await expect
    .poll(async () => {
      const listed = await (
        await request.get(`/api/external/chatbot/${bot.id}/conversations`, { headers: headers() })
      ).json();
      return listed.data.length;
    })
    .toBe(2);

  // Escape closes the panel and gives the focus back to the launcher.
  await again.getByLabel("Message").press("Escape");
  await expect(page.locator('iframe[title="Chat"]')).toBeHidden();
  await expect(page.getByRole("button", { name: "Open chat" })).toBeFocused();
  expect(errors).toEqual([]);
});

test("on a site the bot does not allow, the widget says it is unavailable and sends nothing", async ({
  page,
  request,
}) => {
  const bot = await publicBot(request, ["https://only-this-shop.example"]);
  await page.goto(`http://127.0.0.1:${host.port}/?bot=${bot.id}`);
  await page.getByRole("button", { name: "Open chat" }).click();
  await expect(page.getByRole("status")).toHaveText("This chat is not available on this site.");
  await expect(page.locator('iframe[title="Chat"]')).toHaveCount(0);
  const conversations = await (
    await request.get(`/api/external/chatbot/${bot.id}/conversations`, { headers: headers() })
  ).json();
  expect(conversations.data).toHaveLength(0);
});

test("when chatdeck cannot be reached the launcher says so, and asks again at the next open", async ({
  page,
  request,
}) => {
  const bot = await createChatbot(request, { name: `Offline ${stamp()}`, is_public: true });
  const check = `${chatdeck}/api/public/chatbots/${bot.id}`;
  await page.route(check, (route) => route.abort("internetdisconnected"));
  await page.goto(`http://localhost:${host.port}/?bot=${bot.id}`);
  await page.getByRole("button", { name: "Open chat" }).click();
  await expect(page.getByRole("status")).toHaveText("The chat could not be reached. Please try again in a moment.");
  await expect(page.locator('iframe[title="Chat"]')).toHaveCount(0);

  // Back online: the failed check was not taken for an answer.
  await page.unroute(check);
  await page.getByRole("button", { name: "Close chat" }).click();
  await expect(page.getByRole("status")).toBeHidden();
  await openWidget(page);
});

test("the widget is accessible, works by keyboard alone, takes ratings and follows the visitor's theme", async ({
  page,
  request,
}) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  const errors = pageErrors(page);
  const said = frameTrouble(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(`${siteOrigin}/?bot=${bot.id}`);

  // Keyboard only: Tab reaches the launcher, Enter opens the panel with the message box focused.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Open chat" })).toBeFocused();
  await page.keyboard.press("Enter");
  const frame = await panelReady(page, said);
  await expect(frame.getByLabel("Message")).toBeFocused();
  await page.keyboard.type("How often should I descale the kettle?");
  await expect(frame.getByLabel("Message")).toHaveValue("How often should I descale the kettle?");
  await page.keyboard.press("Enter");
  await expect(frame.getByTestId("widget-message").first()).toContainText("descale");
  const answer = frame.locator('[data-testid="widget-message"][data-author="bot"]').last();
  await expect(answer).toContainText("vinegar", { timeout: 20_000 });

  // Dark, as the visitor's browser prefers.
  const background = () => frame.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor);
  await expect.poll(async () => isDark(await background())).toBe(true);

  // A thumb up, by keyboard: stored on the message, pressed in the page.
  const helpful = answer.getByRole("button", { name: "Helpful", exact: true });
  await expect(helpful).toHaveAttribute("aria-pressed", "false");
  await shiftTabUntilFocused(page, helpful);
  await page.keyboard.press("Enter");
  await expect(helpful).toHaveAttribute("aria-pressed", "true");
  await expect
    .poll(async () => {
      const conversations = await (
        await request.get(`/api/external/chatbot/${bot.id}/conversations`, { headers: headers() })
      ).json();
      const id = conversations.data[0]?.id;
      if (!id) return null;
      const messages = await (
        await request.get(`/api/external/chatbot/${bot.id}/conversations/${id}/messages`, { headers: headers() })
      ).json();
      const rated = messages.data.filter((m: { metadata?: { feedback?: string } }) => m.metadata?.feedback);
      return rated.map((m: { metadata: { feedback: string } }) => m.metadata.feedback);
    })
    .toEqual(["up"]);

  // No serious or critical accessibility violation on the opened widget (the frame included).
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  // Escape, still by keyboard, closes the panel and gives the focus back to the launcher.
  await tabUntilFocused(page, frame.getByLabel("Message"));
  await page.keyboard.press("Escape");
  await expect(page.locator('iframe[title="Chat"]')).toBeHidden();
  await expect(page.getByRole("button", { name: "Open chat" })).toBeFocused();
  expect(errors).toEqual([]);
});

test("words typed while the panel's code is still loading are kept", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Eager ${stamp()}`, is_public: true });
  const errors = pageErrors(page);
  // The panel's page is shown at once; its wasm arrives late, as on a slow network.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/panel\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`http://localhost:${host.port}/?bot=${bot.id}`);
  await page.getByRole("button", { name: "Open chat" }).click();
  const frame = page.frameLocator('iframe[title="Chat"]');
  await frame.getByLabel("Message").click();
  await page.keyboard.type("Do you ship");
  await expect(frame.getByTestId("live-widget")).toHaveAttribute("data-ready", "false");

  release();
  await expect(frame.getByTestId("live-widget")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  await expect(frame.getByLabel("Message")).toHaveValue("Do you ship");
  await page.keyboard.type(" to Norway?");
  await page.keyboard.press("Enter");
  await expect(frame.getByTestId("widget-message").first()).toContainText("Do you ship to Norway?");
  await expect(frame.getByLabel("Message")).toHaveValue("");
  expect(errors).toEqual([]);
});

test("a slow first load of the thread does not wipe a message the visitor has just sent", async ({
  page,
  request,
}) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  const errors = pageErrors(page);
  // The panel asks for its thread as it opens. That answer (an empty thread) is held back
  // until the visitor has sent a question, as a slow network would: it must not replace what
  // the visitor now sees.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let delivered = () => {};
  const stale = new Promise<void>((resolve) => (delivered = resolve));
  let first = true;
  await page.route(/\/sessions\/[^/?]+\/messages$/, async (route) => {
    if (!first || route.request().method() !== "GET") return route.continue();
    first = false;
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
    delivered();
  });
  await page.goto(`${siteOrigin}/?bot=${bot.id}`);
  const frame = await openWidget(page);
  await frame.getByLabel("Message").fill("How often should I descale the kettle?");
  await frame.getByRole("button", { name: "Send" }).click();
  const messages = frame.getByTestId("widget-message");
  await expect(messages.first()).toContainText("descale");

  // From here on, the number of messages shown may only grow.
  const panel = page.frames().find((f) => f.url().includes(`/widget/${bot.id}`));
  expect(panel).toBeDefined();
  await panel!.evaluate(() => {
    const count = () => document.querySelectorAll('[data-testid="widget-message"]').length;
    let most = count();
    const seen: number[] = [];
    (window as unknown as { shrunk: number[] }).shrunk = seen;
    new MutationObserver(() => {
      const now = count();
      if (now < most) seen.push(now);
      most = Math.max(most, now);
    }).observe(document.body, { childList: true, subtree: true });
  });
  release();
  await stale;
  await expect(messages.last()).toContainText("vinegar", { timeout: 20_000 });
  // One poll of the thread later, still the question and its answer, never fewer.
  await page.waitForTimeout(2_500);
  await expect(messages).toHaveCount(2);
  expect(await panel!.evaluate(() => (window as unknown as { shrunk: number[] }).shrunk)).toEqual([]);
  expect(errors).toEqual([]);
});

test("a thread that could not be loaded as the panel opened is asked for again", async ({ page, request }) => {
  const bot = await publicBot(request, []);
  const errors = pageErrors(page);
  await page.goto(`http://localhost:${host.port}/?bot=${bot.id}`);
  let frame = await openWidget(page);
  await frame.getByLabel("Message").fill("How often should I descale the kettle?");
  await frame.getByRole("button", { name: "Send" }).click();
  const messages = () => frame.getByTestId("widget-message");
  await expect(messages().last()).toContainText("vinegar", { timeout: 20_000 });

  // The site is reloaded, and the panel's first ask for the tab's conversation fails.
  let failed = false;
  await page.route(/\/sessions\/[^/?]+\/messages$/, async (route) => {
    if (failed || route.request().method() !== "GET") return route.continue();
    failed = true;
    await route.abort("internetdisconnected");
  });
  await page.reload();
  frame = await openWidget(page);
  await expect.poll(() => failed).toBe(true);
  // The next poll brings it, and the notice goes.
  await expect(messages()).toHaveCount(2, { timeout: 5_000 });
  await expect(frame.getByTestId("widget-trouble")).toHaveCount(0);
  expect(errors.filter((e) => !e.includes("ERR_INTERNET_DISCONNECTED"))).toEqual([]);
});

test("on a phone the widget opens as a full-screen sheet", async ({ browser, request }) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  const said = frameTrouble(page);
  await page.goto(`${siteOrigin}/?bot=${bot.id}`);
  await page.getByRole("button", { name: "Open chat" }).tap();
  const frame = await panelReady(page, said);
  const box = (await page.locator('iframe[title="Chat"]').boundingBox())!;
  expect(box.x).toBe(0);
  expect(box.y).toBe(0);
  expect(box.width).toBe(390);
  expect(box.height).toBe(844);
  await expect(frame.getByRole("button", { name: "Close chat" })).toBeVisible();
  await phone.close();
});

test("the opened widget loads its own wasm and styles and none of the console's", async ({ page, request }) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  const loaded: string[] = [];
  page.on("requestfinished", (r) => {
    if (r.url().startsWith(chatdeck)) loaded.push(new URL(r.url()).pathname);
  });
  await page.goto(`${siteOrigin}/?bot=${bot.id}`);
  const frame = await openWidget(page);
  await frame.getByRole("textbox", { name: "Message" }).fill("How often should I descale?");
  await frame.getByRole("button", { name: "Send" }).click();
  await expect(frame.getByText(/vinegar/i).last()).toBeVisible({ timeout: 20_000 });
  expect(loaded).toEqual(expect.arrayContaining(["/pkg-widget/panel.wasm", "/pkg-widget/panel.css"]));
  expect(loaded.filter((path) => path.startsWith("/pkg/")), loaded.join("\n")).toEqual([]);
});

test("everything the opened widget loads stays within its 150 kB budget, gzipped", async ({ page, request }) => {
  // The budget of issue 11, guarded here so that a change which outgrows it fails the suite;
  // scripts/bench-widget.sh prints the same sum with each file's share.
  const bot = await createChatbot(request, { name: `Budget ${stamp()}`, is_public: true });
  const sizes: Promise<[string, number]>[] = [];
  page.on("response", (response) => {
    if (!response.url().startsWith(chatdeck)) return;
    sizes.push(
      response.body().then(
        (body) => [new URL(response.url()).pathname, zlib.gzipSync(body, { level: 9 }).length] as [string, number],
        () => [response.url(), 0] as [string, number],
      ),
    );
  });
  await page.goto(`http://localhost:${host.port}/?bot=${bot.id}`);
  await openWidget(page);
  await page.waitForTimeout(300);
  const loaded = await Promise.all(sizes);
  const total = loaded.reduce((sum, [, bytes]) => sum + bytes, 0);
  const listed = loaded.map(([path, bytes]) => `${(bytes / 1000).toFixed(1)} kB ${path}`).join("\n");
  expect(loaded.map(([path]) => path)).toEqual(expect.arrayContaining(["/widget.js", "/pkg-widget/panel.wasm"]));
  expect(total, listed).toBeLessThanOrEqual(150_000);
});

test("a message whose answer was lost on the way is sent again with Try again, and kept once", async ({
  page,
  request,
}) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  const errors = pageErrors(page);
  // The first send reaches chatdeck, which stores the question and its answer, but the answer
  // never reaches the widget, as when a connection drops.
  const sent: string[] = [];
  // (gloo-net ends the address with an empty parameter: `…/chat?stream=true&`.)
  await page.route(/\/chat\?stream=true/, async (route) => {
    sent.push(route.request().postData() ?? "");
    if (sent.length > 1) return route.continue();
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.goto(`${siteOrigin}/?bot=${bot.id}`);
  const frame = await openWidget(page);
  await frame.getByLabel("Message").fill("How often should I descale the kettle?");
  await frame.getByRole("button", { name: "Send" }).click();
  await expect(frame.getByTestId("widget-trouble")).toContainText("could not be sent");

  await frame.getByRole("button", { name: "Try again" }).click();
  const messages = frame.getByTestId("widget-message");
  await expect(messages.last()).toContainText("vinegar", { timeout: 20_000 });
  await expect(frame.getByTestId("widget-trouble")).toHaveCount(0);
  // The thread as stored, after the widget's next poll: the question once, answered once.
  await page.waitForTimeout(2_500);
  await expect(messages).toHaveCount(2);
  await expect(messages.first()).toContainText("How often should I descale the kettle?");
  const ids = sent.map((body) => JSON.parse(body).messages[0].id);
  expect(ids).toHaveLength(2);
  expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
  expect(ids[1]).toBe(ids[0]);
  expect(errors.filter((e) => !e.includes("ERR_CONNECTION_RESET"))).toEqual([]);
});

test("a message sent after one that never reached chatdeck is shown as it was stored", async ({ page, request }) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  // The first send never reaches chatdeck (nothing stored); the next goes through.
  let sends = 0;
  await page.route(/\/chat\?stream=true/, (route) => (++sends === 1 ? route.abort("connectionreset") : route.continue()));
  await page.goto(`${siteOrigin}/?bot=${bot.id}`);
  const frame = await openWidget(page);
  await frame.getByLabel("Message").fill("Is the lid dishwasher safe");
  await frame.getByRole("button", { name: "Send" }).click();
  await expect(frame.getByTestId("widget-trouble")).toContainText("could not be sent");

  // Another question of the same length, in the same place in the thread once stored.
  await frame.getByLabel("Message").fill("How do I descale a kettle?");
  await frame.getByRole("button", { name: "Send" }).click();
  const visitor = frame.locator('[data-testid="widget-message"][data-author="visitor"]');
  await expect(frame.locator('[data-testid="widget-message"][data-author="bot"]').last()).toContainText("vinegar", {
    timeout: 20_000,
  });
  await expect(visitor).toHaveText(["How do I descale a kettle?"]);
});

test("sources are off until the owner turns them on, then listed under the answer", async ({ page, request }) => {
  const siteOrigin = `http://localhost:${host.port}`;
  const bot = await publicBot(request, [siteOrigin]);
  await page.goto(`${siteOrigin}/?bot=${bot.id}`);
  let frame = await openWidget(page);
  await frame.getByLabel("Message").fill("How often should I descale the kettle?");
  await frame.getByRole("button", { name: "Send" }).click();
  const answer = frame.locator('[data-testid="widget-message"][data-author="bot"]').last();
  await expect(answer).toContainText("vinegar", { timeout: 20_000 });
  await expect(frame.getByTestId("widget-sources")).toHaveCount(0);

  const shown = await request.patch(`/api/external/chatbot/${bot.id}/chat-widget`, {
    headers: headers(),
    data: { showSources: true },
  });
  expect(shown.status()).toBe(200);
  await page.reload();
  frame = await openWidget(page);
  const sources = frame.getByTestId("widget-sources");
  await expect(sources).toHaveCount(1);
  await sources.getByText("Sources (1)").click();
  await expect(sources.getByRole("listitem")).toHaveText(["Descaling"]);
});
