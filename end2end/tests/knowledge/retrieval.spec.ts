import { expect, test } from "@playwright/test";
import { createChatbot, getChatbot, serverFnAnswer, signIn } from "../support/console";
import { markdown, testRetrieval, uploadThroughApi, waitUntilReady } from "../support/knowledge";

const stamp = () => Date.now().toString(36);

/** A bot with two documents: one about refunds, one about shipping; both mention orders. */
async function botWithKnowledge(request: Parameters<typeof createChatbot>[0], prompt?: string) {
  const bot = await createChatbot(request, {
    name: `Retrieval ${stamp()}`,
    ...(prompt ? { settings: { prompt } } : {}),
  });
  const refunds = await uploadThroughApi(
    request,
    bot.id,
    markdown("refunds.md", "# Refunds\n\nWe refund every order within 14 days of delivery. Refunds reach your card in three days.\n"),
  );
  const shipping = await uploadThroughApi(
    request,
    bot.id,
    markdown("shipping.md", "# Shipping\n\nEvery order ships from our warehouse within two working days.\n"),
  );
  await waitUntilReady(request, bot.id);
  return { bot, refunds, shipping };
}

test("Test retrieval finds the right chunk, scores it against the threshold and marks the question's words", async ({
  page,
  request,
}) => {
  const { bot, refunds } = await botWithKnowledge(request);
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  await testRetrieval(page, "How long do refunds take?");
  const panel = page.getByRole("region", { name: "Test retrieval" });
  const best = panel.getByTestId("used-result").first();
  await expect(best.getByRole("link", { name: refunds.title })).toBeVisible();
  await expect(best.getByTestId("score-bar")).toBeVisible();
  await expect(best.getByTestId("score")).toHaveText(/^[01]\.\d\d$/);
  const score = Number(await best.getByTestId("score").textContent());
  expect(Number(await best.getByTestId("score-bar").getAttribute("aria-valuenow"))).toBe(score);
  await expect(best.getByTestId("threshold-line")).toHaveAttribute("title", "Threshold 0.45");
  await expect(best.locator("mark").filter({ hasText: /^refunds?$/i }).first()).toBeVisible();
  await expect(panel.getByTestId("ranking")).toContainText(/Ranking: (Full-text|Hybrid)/);

  // The title leads to the chunk in its document, the question's words marked there too.
  await best.getByRole("link", { name: refunds.title }).click();
  await expect(page).toHaveURL(new RegExp(`/chatbots/${bot.id}/knowledge/${refunds.id}\\?chunk=\\d+&q=`));
  await expect(page.getByTestId("chunk").locator("mark").first()).toBeVisible();
});

test("the retrieval settings save alone, and a threshold above the scores drops results below the divider", async ({
  page,
  request,
}) => {
  const { bot } = await botWithKnowledge(request, "Answer only about our shop.");
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const settings = page.getByRole("region", { name: "Retrieval", exact: true });
  await expect(settings.getByLabel("Similarity threshold", { exact: true })).toHaveValue("");
  await expect(settings.getByTestId("retrieval-in-force")).toContainText("at least 0.45, up to 5 per answer");
  await settings.getByLabel("Similarity threshold", { exact: true }).fill("1");
  await settings.getByLabel("Chunks per answer", { exact: true }).fill("3");
  let answer = serverFnAnswer(page, "save_retrieval_settings");
  await settings.getByRole("button", { name: "Save retrieval" }).click();
  expect((await answer).status()).toBe(200);
  await expect(settings.getByTestId("retrieval-settings-status")).toHaveText("Saved");
  await expect(settings.getByTestId("retrieval-in-force")).toContainText("at least 1, up to 3 per answer");
  const stored = await getChatbot(request, bot.id);
  expect(stored.settings.similarityThreshold).toBe(1);
  expect(stored.settings.maxKnowledgeResults).toBe(3);
  expect(stored.settings.prompt).toBe("Answer only about our shop.");

  await testRetrieval(page, "When is my order refund paid?");
  const panel = page.getByRole("region", { name: "Test retrieval" });
  await expect(panel.getByTestId("threshold-divider")).toHaveText(/Below the threshold \(1\.00\): not used/);
  const dropped = panel.getByTestId("dropped-result");
  await expect(dropped.first()).toBeVisible();
  await expect(dropped.first()).toHaveClass(/opacity-60/);
  await expect(dropped.first().getByTestId("score-bar")).toBeVisible();

  // Out of range: refused beside the field, nothing saved.
  await settings.getByLabel("Chunks per answer", { exact: true }).fill("51");
  answer = serverFnAnswer(page, "save_retrieval_settings");
  await settings.getByRole("button", { name: "Save retrieval" }).click();
  expect((await answer).status()).toBe(422);
  await expect(page.getByTestId("error-max_knowledge_results")).toHaveText("must be between 1 and 50");
  expect((await getChatbot(request, bot.id)).settings.maxKnowledgeResults).toBe(3);

  // Emptied fields go back to the defaults.
  await settings.getByLabel("Similarity threshold", { exact: true }).fill("");
  await settings.getByLabel("Chunks per answer", { exact: true }).fill("");
  answer = serverFnAnswer(page, "save_retrieval_settings");
  await settings.getByRole("button", { name: "Save retrieval" }).click();
  expect((await answer).status()).toBe(200);
  await expect(settings.getByTestId("retrieval-in-force")).toContainText("at least 0.45, up to 5 per answer");
});
