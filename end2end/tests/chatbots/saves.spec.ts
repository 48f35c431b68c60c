import { expect, test, type Browser, type Page } from "@playwright/test";
import { createChatbot, getChatbot, serverFnAnswer, signIn } from "../support/console";

const exact = { exact: true };

/** A second person: a browser context of their own, signed in on `path`. */
async function secondPerson(browser: Browser, path: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, path);
  return page;
}

async function save(page: Page, status = 200) {
  const answer = serverFnAnswer(page, "update_chatbot");
  await page.getByRole("button", { name: "Save changes" }).click();
  expect((await answer).status()).toBe(status);
}

test("two people editing different fields both keep their changes", async ({ page, browser, request }) => {
  const bot = await createChatbot(request, { name: `Shared ${Date.now().toString(36)}` });
  const path = `/chatbots/${bot.id}`;
  await signIn(page, path);
  const other = await secondPerson(browser, path);

  await page.getByLabel("Header", exact).fill("Header by the first");
  await other.getByLabel("Primary color", exact).fill("#0F766E");
  await save(page);
  // The second saves over a page loaded before the first's save.
  await save(other);
  await expect(other.getByTestId("saved-toast")).toBeVisible();
  // Their page now shows the first person's change too.
  await expect(other.getByLabel("Header", exact)).toHaveValue("Header by the first");

  const stored = await getChatbot(request, bot.id);
  expect(stored.settings.snippet.header).toBe("Header by the first");
  expect(stored.settings.snippet.primaryColor).toBe("#0F766E");
  await page.reload();
  await expect(page.getByLabel("Primary color", exact)).toHaveValue("#0F766E");
  await other.context().close();
});

test("two people changing the same field: the second is told and chooses to overwrite", async ({ page, browser, request }) => {
  const bot = await createChatbot(request, { name: `Contested ${Date.now().toString(36)}` });
  const path = `/chatbots/${bot.id}`;
  await signIn(page, path);
  const other = await secondPerson(browser, path);

  await page.getByLabel("Slogan", exact).fill("The first's slogan");
  await other.getByLabel("Slogan", exact).fill("The second's slogan");
  await save(page);
  await save(other, 412);
  const conflict = other.getByTestId("conflict");
  await expect(conflict).toContainText("This chatbot was changed elsewhere.");
  await expect(conflict).toContainText("Slogan");
  expect((await getChatbot(request, bot.id)).settings.snippet.slogan).toBe("The first's slogan");

  const overwritten = serverFnAnswer(other, "update_chatbot");
  await conflict.getByRole("button", { name: "Overwrite with mine" }).click();
  expect((await overwritten).status()).toBe(200);
  await expect(other.getByTestId("saved-toast")).toBeVisible();
  expect((await getChatbot(request, bot.id)).settings.snippet.slogan).toBe("The second's slogan");
  await other.context().close();
});

test("the history lists each save, compares a version with the form and restores it", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Remembered ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  const original = (await getChatbot(request, bot.id)).settings.snippet.slogan;
  await page.getByLabel("Slogan", exact).fill("Second slogan");
  await save(page);
  await page.getByLabel("Primary color", exact).fill("#0F766E");
  await save(page);

  const history = page.getByTestId("history");
  const loaded = serverFnAnswer(page, "list_history");
  await history.getByText("History", exact).click();
  expect((await loaded).status()).toBe(200);
  const rows = history.getByTestId("history-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("Primary color");
  await expect(rows.nth(0)).toContainText("Current");
  await expect(rows.nth(1)).toContainText("Slogan");
  await expect(rows.nth(2)).toContainText("Created");

  const compared = serverFnAnswer(page, "version_values");
  await rows.nth(2).getByRole("button", { name: "Compare" }).click();
  expect((await compared).status()).toBe(200);
  const table = history.getByTestId("history-compare");
  await expect(table.getByRole("row", { name: /Slogan/ })).toContainText(original);
  await expect(table.getByRole("row", { name: /Primary color/ })).toContainText("#0F766E");

  const restored = serverFnAnswer(page, "restore_version");
  await rows.nth(2).getByRole("button", { name: "Restore" }).click();
  expect((await restored).status()).toBe(200);
  await expect(page.getByLabel("Slogan", exact)).toHaveValue(original);
  await expect(page.getByTestId("unsaved")).toHaveCount(0);
  const stored = await getChatbot(request, bot.id);
  expect(stored.settings.snippet.slogan).toBe(original);
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText("Slogan");
});
