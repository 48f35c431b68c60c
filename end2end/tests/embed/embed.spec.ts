import { expect, test } from "@playwright/test";
import { createChatbot, serverFnAnswer, signIn } from "../support/console";

const exact = { exact: true };

test("the embed tab shows the script tag with okchat's attributes and copies it", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const bot = await createChatbot(request, {
    name: `Embedded ${Date.now().toString(36)}`,
    settings: { snippet: { primaryColor: "#0EA5E9" } },
  });
  await signIn(page, `/chatbots/${bot.id}`);
  // The snippet carries the saved branding: save a header, then open the tab.
  await page.getByLabel("Header", exact).fill("Talk to us");
  const saved = serverFnAnswer(page, "update_chatbot");
  await page.getByRole("button", { name: "Save changes" }).click();
  expect((await saved).status()).toBe(200);
  await page.getByRole("link", { name: "Embed", exact: true }).click();
  await expect(page).toHaveURL(`/chatbots/${bot.id}/embed`);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");

  const code = page.getByTestId("embed-code");
  await expect(code).toHaveValue(new RegExp(`data-chatbot-id="${bot.id}"`));
  await expect(code).toHaveValue(/data-primary-color="#0EA5E9"/);
  await expect(code).toHaveValue(/data-header="Talk to us"/);
  await expect(code).toHaveValue(/<script src="http:\/\/127\.0\.0\.1:\d+\/widget\.js"/);
  for (const attr of ["logo", "name", "slogan", "secondary-color", "language"]) {
    await expect(code).toHaveValue(new RegExp(`data-${attr}="`));
  }

  await page.getByRole("button", { name: "Copy embed code" }).click();
  await expect(page.getByTestId("embed-status")).toHaveText("Copied to the clipboard.");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`data-chatbot-id="${bot.id}"`);
});
