import { expect, test } from "@playwright/test";
import { createChatbot, serverFnAnswer, signIn } from "../support/console";
import { markdown, testRetrieval, uploadThroughApi, waitUntilReady } from "../support/knowledge";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test("on a phone the tab fits the screen, documents are cards, and uploads and tests work", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Phone ${Date.now().toString(36)}` });
  const doc = await uploadThroughApi(request, bot.id, markdown("warranty.md", "# Warranty\n\nEvery device has a two-year warranty.\n"));
  await waitUntilReady(request, bot.id);
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(await fits()).toBe(true);

  const table = page.getByRole("region", { name: "Documents" });
  // The column headings give way to labels inside each card.
  await expect(table.getByRole("columnheader", { name: "Type" })).toBeHidden();
  const card = table.getByTestId("document-row");
  await expect(card).toBeVisible();
  const box = await card.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
  await expect(card.getByTestId("document-type")).toHaveText("Markdown");
  await expect(card.getByRole("button", { name: `Delete ${doc.title}` })).toBeVisible();

  const answer = serverFnAnswer(page, "upload_documents");
  await page.getByLabel("Files to upload").setInputFiles([
    { name: "care.txt", mimeType: "text/plain", buffer: Buffer.from("Clean the screen with a dry cloth.\n") },
  ]);
  expect((await answer).status()).toBe(200);
  await expect(page.getByRole("list", { name: "Uploads" }).getByTestId("upload-row")).toHaveAttribute("data-state", "ready", {
    timeout: 20_000,
  });
  await expect(table.getByTestId("document-row")).toHaveCount(2);

  await testRetrieval(page, "How long is the warranty?");
  await expect(page.getByTestId("used-result").first().getByTestId("score-bar")).toBeVisible();
  expect(await fits()).toBe(true);
});
