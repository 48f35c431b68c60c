import { expect, test } from "@playwright/test";
import { createChatbot, signIn } from "../support/console";

test("a chatbot's page has tabs, each a page of its own", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Tabbed ${Date.now().toString(36)}`, is_public: true });
  await signIn(page, `/chatbots/${bot.id}`);
  await expect(page.getByTestId("chatbot-title")).toHaveText(bot.name);
  await expect(page.getByText("Public", { exact: true }).first()).toBeVisible();
  const tabs = page.getByRole("navigation", { name: "Chatbot" });
  await expect(tabs.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
  await tabs.getByRole("link", { name: "Knowledge" }).click();
  await expect(page).toHaveURL(`/chatbots/${bot.id}/knowledge`);
  await expect(tabs.getByRole("link", { name: "Knowledge" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("knowledge-tab")).toBeVisible();
  for (const [label, path, content] of [
    ["Playground", "playground", "playground"],
    ["Conversations", "conversations", "inbox-tab"],
    ["Embed", "embed", "embed-code"],
  ]) {
    await tabs.getByRole("link", { name: label }).click();
    await expect(page).toHaveURL(`/chatbots/${bot.id}/${path}`);
    await expect(tabs.getByRole("link", { name: label })).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId(content)).toBeVisible();
  }
  // The breadcrumb leads back to the list.
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Chatbots" }).click();
  await expect(page).toHaveURL("/chatbots");
});

test("an unknown chatbot's page says so", async ({ page }) => {
  await signIn(page, "/chatbots/00000000-0000-4000-8000-000000000000", undefined, { hydrated: false });
  await expect(page.getByTestId("page-error")).toContainText(/not found/i);
});
