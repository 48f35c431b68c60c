import { expect, request as newRequest, test, type APIRequestContext, type Page } from "@playwright/test";
import { admin, createChatbot, pageErrors, serverFnAnswer, signIn } from "../support/console";
import { markdown, uploadThroughApi, waitUntilReady } from "../support/knowledge";

const stamp = () => Date.now().toString(36);

async function send(page: Page, text: string) {
  const playground = page.getByTestId("playground");
  // The playground is a lazy island: it may hydrate after the rest of the page.
  await expect(playground).toHaveAttribute("data-ready", "true");
  await playground.getByLabel("Message").fill(text);
  await playground.getByRole("button", { name: "Send" }).click();
}

const apiHeaders = () => ({ "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" });

/** How many messages each playground conversation of the bot holds, in order. */
async function playgroundThreads(request: APIRequestContext, botId: string): Promise<number[]> {
  const base = `/api/external/chatbot/${botId}/conversations`;
  const sessions = await (await request.get(`${base}?platform=playground`, { headers: apiHeaders() })).json();
  const lengths: number[] = [];
  for (const session of sessions.data) {
    const thread = await (await request.get(`${base}/${session.id}/messages`, { headers: apiHeaders() })).json();
    lengths.push(thread.data.length);
  }
  return lengths.sort();
}

const lastAnswer = (page: Page) =>
  page.getByTestId("playground").locator('[data-testid="widget-message"][data-author="bot"]').last();

test("the playground answers from the knowledge base and shows the sources, model, tokens and first-token time", async ({
  page,
  request,
}) => {
  const errors = pageErrors(page);
  const bot = await createChatbot(request, { name: `Playground ${stamp()}` });
  const refunds = await uploadThroughApi(
    request,
    bot.id,
    markdown("refunds.md", "# Refunds\n\nWe refund every order within 14 days of delivery. Refunds reach your card in three days.\n"),
  );
  await waitUntilReady(request, bot.id);
  await signIn(page, `/chatbots/${bot.id}/playground`);

  const answered = serverFnAnswer(page, "playground_chat");
  await send(page, "How long do refunds take?");
  expect((await answered).status()).toBe(200);
  const answer = lastAnswer(page);
  await expect(answer).toContainText("14 days");
  const details = answer.getByTestId("answer-details");
  await expect(details.getByTestId("answer-figures")).toContainText("local");
  await expect(details.getByTestId("answer-figures")).toContainText(/\d+ tokens \(\d+ in, \d+ out\)/);
  await expect(details.getByTestId("answer-figures")).toContainText(/first token \d+ ms/);
  await details.getByText(/^\d+ sources?$/).click();
  const source = details.getByTestId("answer-sources").getByTestId("used-result").first();
  await expect(source.getByRole("link", { name: refunds.title })).toBeVisible();
  await expect(source.getByTestId("score")).toHaveText(/^[01]\.\d\d$/);
  await expect(source.getByTestId("threshold-line")).toHaveAttribute("title", "Threshold 0.45");

  // The conversation is stored like any other, as a playground one.
  expect(await playgroundThreads(request, bot.id)).toEqual([2]);

  // A second question continues it; "New conversation" starts another.
  await send(page, "And when does the money reach my card?");
  await expect(page.getByTestId("playground").locator('[data-testid="widget-message"]')).toHaveCount(4);
  await expect(lastAnswer(page).getByTestId("answer-figures")).toContainText("tokens");
  await page.getByTestId("new-conversation").click();
  await expect(page.getByTestId("playground").locator('[data-testid="widget-message"]')).toHaveCount(0);
  await send(page, "Do you refund orders?");
  await expect(lastAnswer(page).getByTestId("answer-figures")).toContainText("tokens");
  await expect.poll(() => playgroundThreads(request, bot.id)).toEqual([2, 4]);
  expect(errors).toEqual([]);
});

test("with a model, the answer appears as it streams and its Markdown is rendered safely", async ({ page }) => {
  const base = process.env.CHATDECK_MODEL_URL;
  test.skip(!base, "scripts/e2e.sh starts the instance with a scripted model");
  const api = await newRequest.newContext({
    baseURL: base,
    extraHTTPHeaders: { "x-api-key": process.env.CHATDECK_MODEL_API_KEY ?? "" },
  });
  const created = await api.post("/api/external/chatbots", { data: { name: `Streaming ${stamp()}` } });
  expect(created.status()).toBe(201);
  const bot = (await created.json()).chatbot;

  await page.goto(`${base}/login?next=${encodeURIComponent(`/chatbots/${bot.id}/playground`)}`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/chatbots/${bot.id}/playground$`));
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");

  // Every text the answer bubble shows, as the page changes.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as any).answerTexts = seen;
    new MutationObserver(() => {
      const bots = document.querySelectorAll('[data-testid="playground"] [data-testid="widget-message"][data-author="bot"]');
      const text = bots[bots.length - 1]?.textContent ?? "";
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await send(page, "How long do refunds take?");
  const answer = lastAnswer(page);
  await expect(answer.getByTestId("answer-figures")).toContainText("scripted-model");
  const texts: string[] = await page.evaluate(() => (window as any).answerTexts);
  const growing = texts.filter((t) => t.startsWith("Refunds") && !t.includes("see our policy"));
  expect(growing.length, JSON.stringify(texts)).toBeGreaterThanOrEqual(2);

  // Markdown: bold, and a link that opens a new tab without the page's opener.
  await expect(answer.locator("strong")).toHaveText("14 days");
  const link = answer.getByRole("link", { name: "our policy" });
  await expect(link).toHaveAttribute("href", "https://example.com/refunds");
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", /noopener/);
  await expect(answer.getByTestId("answer-figures")).toContainText("227 tokens (210 in, 17 out)");
  await api.dispose();
});
