import { expect, test } from "@playwright/test";
import { createChatbot, serverFnAnswer, signIn } from "../support/console";
import { listThroughApi, markdown, uploadThroughApi, waitUntilReady } from "../support/knowledge";

const stamp = () => Date.now().toString(36);

// Each section is long enough to start a chunk of its own (chunks hold up to 1,000
// characters), so the Refunds chunk sits under "Customer guide › Refunds".
const repeat = (sentence: string, times: number) => Array(times).fill(sentence).join(" ");
const guide = markdown(
  "guide.md",
  `# Customer guide\n\n${repeat("This guide explains how our shop works for customers who buy online.", 9)}\n\n` +
    "## Refunds\n\nWe refund every order within 14 days of delivery, no questions asked. " +
    `${repeat("Refunds reach your card within five working days after we receive the parcel.", 8)}\n\n` +
    "## Shipping\n\nParcels leave the warehouse within two working days. " +
    `${repeat("Parcels travel by tracked courier and you get an email with the tracking link.", 8)}\n`,
);

test("a document's chunks open on a page of their own, with index, headings and length", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Chunks ${stamp()}` });
  const doc = await uploadThroughApi(request, bot.id, guide);
  await waitUntilReady(request, bot.id);
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const row = page.getByRole("region", { name: "Documents" }).getByTestId("document-row");
  await expect(row.getByTestId("document-type")).toHaveText("Markdown");
  await row.getByRole("link", { name: "Chunks" }).click();
  await expect(page).toHaveURL(`/chatbots/${bot.id}/knowledge/${doc.id}`);
  await expect(page.getByRole("navigation", { name: "Chatbot" }).getByRole("link", { name: "Knowledge" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(page.getByTestId("document-heading")).toHaveText(doc.title);
  const chunks = page.getByTestId("chunk");
  await expect(chunks.first()).toContainText("Chunk 1");
  await expect(chunks.first().getByTestId("chunk-chars")).toHaveText(/^\d[\d,]* characters$/);
  await expect(page.getByTestId("chunk-headings").filter({ hasText: "Refunds" }).first()).toContainText("Customer guide › Refunds");
  await expect(chunks.filter({ hasText: "We refund every order" })).toHaveCount(1);
});

test("a document is renamed in place, and Escape leaves it as it was", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Rename ${stamp()}` });
  const doc = await uploadThroughApi(request, bot.id, guide);
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const row = page.getByRole("region", { name: "Documents" }).getByTestId("document-row");
  await row.getByRole("button", { name: `Rename ${doc.title}` }).click();
  const field = row.getByLabel("New title");
  await expect(field).toBeFocused();
  await field.fill("Thrown away");
  await field.press("Escape");
  await expect(row.getByTestId("document-title")).toHaveText(doc.title);

  await row.getByRole("button", { name: `Rename ${doc.title}` }).click();
  await row.getByLabel("New title").fill("Customer guide (2026)");
  const answer = serverFnAnswer(page, "rename_document");
  await row.getByLabel("New title").press("Enter");
  expect((await answer).status()).toBe(200);
  await expect(row.getByTestId("document-title")).toHaveText("Customer guide (2026)");
  expect((await listThroughApi(request, bot.id))[0].title).toBe("Customer guide (2026)");

  // An empty title is refused beside the field.
  await row.getByRole("button", { name: "Rename Customer guide (2026)" }).click();
  await row.getByLabel("New title").fill("   ");
  const refused = serverFnAnswer(page, "rename_document");
  await row.getByRole("button", { name: "Save" }).click();
  expect((await refused).status()).toBe(422);
  await expect(row.getByRole("alert")).toHaveText("must not be empty");
});

test("deleting asks first in a dialog that the keyboard can answer", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Delete ${stamp()}` });
  const doc = await uploadThroughApi(request, bot.id, guide);
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const row = page.getByRole("region", { name: "Documents" }).getByTestId("document-row");
  const dialog = page.getByRole("dialog", { name: "Delete this document?" });

  await row.getByRole("button", { name: `Delete ${doc.title}` }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(doc.title);
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(1);

  await row.getByRole("button", { name: `Delete ${doc.title}` }).focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("button", { name: "Delete document" })).toBeFocused();
  const answer = serverFnAnswer(page, "delete_document");
  await page.keyboard.press("Enter");
  expect((await answer).status()).toBe(200);
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId("documents-empty")).toBeVisible();
  expect(await listThroughApi(request, bot.id)).toEqual([]);
});

test("a document's file is replaced from its row, with its progress, and indexed again", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Replace ${stamp()}` });
  const doc = await uploadThroughApi(request, bot.id, guide);
  await waitUntilReady(request, bot.id);
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const row = page.getByRole("region", { name: "Documents" }).getByTestId("document-row");
  const chooser = page.waitForEvent("filechooser");
  await row.getByRole("button", { name: `Replace the file of ${doc.title}` }).click();
  const answer = serverFnAnswer(page, "replace_document");
  await (await chooser).setFiles(
    markdown("guide.md", "# Customer guide\n\n## Warranty\n\nEvery device has a two-year warranty.\n"),
  );
  expect((await answer).status()).toBe(200);
  await expect(row.getByTestId("document-status")).toHaveText("Ready", { timeout: 20_000 });
  const chunks = await request.get(`/api/external/chatbot/${bot.id}/knowledge-base/${doc.id}/chunks`, {
    headers: { "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" },
  });
  const text = (await chunks.json()).data.map((c: { content: string }) => c.content).join("\n");
  expect(text).toContain("two-year warranty");
  expect(text).not.toContain("We refund every order");
});

test("a Q&A entry and a text entry are added from their forms and show in the table", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Typed ${stamp()}` });
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const table = page.getByRole("region", { name: "Documents" });

  await page.locator("summary", { hasText: "Add Q&A" }).click();
  await page.getByLabel("Question", { exact: true }).fill("Do you ship to Norway?");
  await page.getByLabel("Answer", { exact: true }).fill("Yes, to every EU and EEA country.");
  let answer = serverFnAnswer(page, "add_qa");
  await page.getByRole("button", { name: "Add Q&A" }).click();
  expect((await answer).status()).toBe(200);
  await expect(page.getByTestId("add-qa-status")).toContainText("Added.");
  await expect(page.getByLabel("Question", { exact: true })).toHaveValue("");
  const qa = table.getByTestId("document-row").filter({ hasText: "Do you ship to Norway?" });
  await expect(qa.getByTestId("document-type")).toHaveText("Q&A");
  await expect(qa.getByTestId("document-status")).toHaveText("Ready", { timeout: 20_000 });

  await page.locator("summary", { hasText: "Add text" }).click();
  // Refused first: the text is required, and the reason shows beside it.
  await page.getByLabel("Title", { exact: true }).fill("Opening hours");
  answer = serverFnAnswer(page, "add_text");
  await page.getByRole("button", { name: "Add text" }).click();
  expect((await answer).status()).toBe(422);
  await expect(page.getByTestId("error-text-text")).toHaveText("must not be empty");
  await page.getByLabel("Text", { exact: true }).fill("The shop opens at nine and closes at six, Monday to Saturday.");
  answer = serverFnAnswer(page, "add_text");
  await page.getByRole("button", { name: "Add text" }).click();
  expect((await answer).status()).toBe(200);
  await expect(page.getByTestId("error-text-text")).toBeEmpty();
  const text = table.getByTestId("document-row").filter({ hasText: "Opening hours" });
  await expect(text.getByTestId("document-type")).toHaveText("Text");
  await expect(text.getByTestId("document-status")).toHaveText("Ready", { timeout: 20_000 });
  const stored = await listThroughApi(request, bot.id);
  expect(stored.map((d) => d.source).sort()).toEqual(["qa", "text"]);
});

test("an address that is not http(s) is refused beside the URL field, naming its line", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `URLs ${stamp()}` });
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  await page.locator("summary", { hasText: "Add from URL" }).click();
  await page.getByLabel("Addresses").fill("https://example.com/help\nftp://example.com/file");
  await expect(page.getByLabel("These are sitemaps")).not.toBeChecked();
  const answer = serverFnAnswer(page, "add_urls");
  await page.getByRole("button", { name: "Add pages" }).click();
  expect((await answer).status()).toBe(422);
  await expect(page.getByTestId("error-urls-urls")).toContainText("Line 2:");
});

test("without wasm, the add forms still post, and a refusal shows beside its field", async ({ browser, request }) => {
  const bot = await createChatbot(request, { name: `No wasm ${stamp()}` });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, `/chatbots/${bot.id}/knowledge`, undefined, { hydrated: false });
  await page.locator("summary", { hasText: "Add text" }).click();
  await page.getByLabel("Text", { exact: true }).fill("Posted without wasm.");
  await page.getByRole("button", { name: "Add text" }).click();
  // Back on the tab, with the text form open and the reason beside the title.
  await expect(page).toHaveURL(/__err=/);
  await expect(page.getByTestId("error-text-title")).toHaveText("must not be empty");
  await page.getByLabel("Title", { exact: true }).fill("Plain post");
  await page.getByLabel("Text", { exact: true }).fill("Posted without wasm.");
  await page.getByRole("button", { name: "Add text" }).click();
  await expect(page).toHaveURL(`/chatbots/${bot.id}/knowledge?added=1`);
  await expect(page.getByTestId("added-notice")).toHaveText("Added 1 document. It is being processed.");
  await expect(page.getByRole("region", { name: "Documents" }).getByTestId("document-title")).toHaveText("Plain post");
  // The list is in the HTML itself, never a placeholder that only a script would fill.
  const html = await (await context.request.get(`/chatbots/${bot.id}/knowledge`)).text();
  expect(html).toContain("Plain post");
  expect(html).not.toContain("Loading documents");
  await context.close();
});
