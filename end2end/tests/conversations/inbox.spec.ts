import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import fs from "node:fs/promises";
import { admin, createChatbot, pageErrors, signIn } from "../support/console";

const stamp = () => Date.now().toString(36);
const headers = () => ({ "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" });

/** A visitor's message through the okchat Chat endpoint, as a channel integration sends it. */
async function visitorSays(request: APIRequestContext, botId: string, session: string, text: string, platform = "web") {
  const response = await request.post(`/api/external/chatbot/${botId}/chat?stream=false`, {
    headers: headers(),
    data: { messages: [{ role: "user", content: text }], sessionToken: session, platform },
  });
  expect(response.status()).toBe(200);
}

async function sessions(request: APIRequestContext, botId: string): Promise<Record<string, any>[]> {
  const response = await request.get(`/api/external/chatbot/${botId}/conversations`, { headers: headers() });
  expect(response.status()).toBe(200);
  return (await response.json()).data;
}

async function openInbox(page: Page, botId: string, query = "") {
  await page.goto(`/chatbots/${botId}/conversations${query}`);
  await expect(page.getByTestId("inbox")).toHaveAttribute("data-ready", "true");
}

const rows = (page: Page) => page.getByTestId("conversation-row");

test("the inbox lists conversations newest first, filters them and exports the filtered set", async ({
  page,
  request,
}) => {
  const errors = pageErrors(page);
  const bot = await createChatbot(request, { name: `Inbox ${stamp()}` });
  await visitorSays(request, bot.id, `refund-${stamp()}`, "Can I get a refund for my kettle?");
  await visitorSays(request, bot.id, `shipping-${stamp()}`, "Do you ship to Canada?", "api");
  await visitorSays(request, bot.id, `hours-${stamp()}`, "When are you open?");
  await signIn(page, `/chatbots/${bot.id}/conversations`);
  await expect(page.getByTestId("inbox")).toHaveAttribute("data-ready", "true");
  await expect(rows(page)).toHaveCount(3);
  // Each row shows its last message: here the bot's answer.
  await expect(rows(page).first()).toContainText("Bot: ");
  await expect(page.getByTestId("conversation-count")).toHaveText("3 conversations");

  // Text: a GET form, so the filtered list is a link.
  const search = page.getByRole("search", { name: "Filter conversations" });
  await search.getByLabel("Text").fill("REFUND");
  await search.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=REFUND/);
  await expect(rows(page)).toHaveCount(1);

  // The export takes the same filters and downloads through the console.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = await fs.readFile(await download.path(), "utf8");
  expect(csv).toContain("Can I get a refund for my kettle?");
  expect(csv).not.toContain("Do you ship to Canada?");

  await search.getByLabel("Text").fill("");
  await search.getByLabel("Platform").selectOption("api");
  await search.getByRole("button", { name: "Filter" }).click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText("API");
  const [jsonl] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-jsonl").click()]);
  const lines = (await fs.readFile(await jsonl.path(), "utf8")).trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]).session.platform).toBe("api");

  await search.getByLabel("State").selectOption("closed");
  await search.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("no-conversations")).toHaveText("No conversation matches these filters.");
  expect(errors).toEqual([]);
});

test("a person takes a conversation over, replies, sees the visitor's answer arrive, hands it back and closes it", async ({
  page,
  request,
}) => {
  const errors = pageErrors(page);
  const bot = await createChatbot(request, { name: `Takeover ${stamp()}` });
  const token = `takeover-${stamp()}`;
  await visitorSays(request, bot.id, token, "My order never arrived.");
  const [session] = await sessions(request, bot.id);
  await signIn(page, `/chatbots/${bot.id}/conversations?c=${session.id}`);
  await expect(page.getByTestId("inbox")).toHaveAttribute("data-ready", "true");
  const thread = page.getByTestId("thread");
  await expect(thread.getByTestId("thread-message")).toHaveCount(2);
  await expect(thread.getByLabel("Reply")).toBeDisabled();

  await thread.getByTestId("takeover").click();
  await expect(thread.getByTestId("human-badge")).toBeVisible();
  await expect(thread.getByTestId("takeover")).toHaveText("Hand back to the bot");
  expect((await sessions(request, bot.id))[0].is_human_mode).toBe(true);

  await thread.getByLabel("Reply").fill("Sorry about that! I'm checking with the courier now.");
  await thread.getByRole("button", { name: "Send reply" }).click();
  const mine = thread.locator('[data-testid="thread-message"][data-writer="person"]');
  await expect(mine).toContainText("checking with the courier");
  await expect(mine).toContainText(admin.email);
  await expect(thread.getByLabel("Reply")).toHaveValue("");
  const stored = await (
    await request.get(`/api/external/chatbot/${bot.id}/conversations/${session.id}/messages`, { headers: headers() })
  ).json();
  expect(stored.data.at(-1).provider).toBe("human");

  // The visitor answers; in human mode no bot replies, and the open thread shows it by itself.
  await visitorSays(request, bot.id, token, "Thank you, it is order 1042.");
  await expect(thread.locator('[data-testid="thread-message"][data-writer="visitor"]').last()).toContainText(
    "order 1042",
    { timeout: 15_000 },
  );
  await expect(thread.getByTestId("thread-message")).toHaveCount(4);
  await expect(rows(page).first()).toContainText("order 1042", { timeout: 15_000 });

  // A reply being typed survives the refresh that brings the visitor's next message.
  await thread.getByLabel("Reply").fill("Found it: the parcel");
  await visitorSays(request, bot.id, token, "Any news?");
  await expect(thread.getByTestId("thread-message")).toHaveCount(5, { timeout: 15_000 });
  await expect(thread.getByLabel("Reply")).toHaveValue("Found it: the parcel");

  await thread.getByTestId("takeover").click();
  await expect(thread.getByTestId("human-badge")).toHaveCount(0);
  await thread.getByTestId("close-conversation").click();
  await expect(thread.getByTestId("closed-badge")).toBeVisible();
  await expect(thread.getByTestId("close-conversation")).toHaveText("Reopen");
  const [after] = await sessions(request, bot.id);
  expect([after.is_human_mode, after.state]).toEqual([false, "closed"]);
  expect(errors).toEqual([]);
});
