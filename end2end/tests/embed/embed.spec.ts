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

test("the allowed sites are edited in the form, and the test page runs the real widget", async ({ page, context, request }) => {
  const bot = await createChatbot(request, { name: `Try me ${Date.now().toString(36)}` });
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await signIn(page, `/chatbots/${bot.id}`);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");

  // A malformed site is refused before anything is sent, named by its place in the list.
  const sites = page.getByLabel("Allowed sites");
  await sites.fill("https://shop.example\nshop.example/path");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(/^Site 2: /)).toBeVisible();
  await sites.fill("https://shop.example/\nhttp://localhost:8080");
  await page.getByLabel("Public").check();
  const saved = serverFnAnswer(page, "update_chatbot");
  await page.getByRole("button", { name: "Save changes" }).click();
  expect((await saved).status()).toBe(200);
  const stored = await request.get(`/api/external/chatbot/${bot.id}`, {
    headers: { "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" },
  });
  expect((await stored.json()).chatbot.chat_widget_config.allowedOrigins).toEqual([
    "https://shop.example",
    "http://localhost:8080",
  ]);

  await page.getByRole("link", { name: "Embed", exact: true }).click();
  await expect(page.getByTestId("embed-availability")).toContainText("Live");
  const opened = context.waitForEvent("page");
  await page.getByTestId("embed-try").click();
  const trial = await opened;
  trial.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await expect(trial.getByRole("heading", { name: /A test page for Try me/ })).toBeVisible();
  // chatdeck's own test page may always frame the widget, whatever the allow-list says.
  await trial.getByRole("button", { name: "Open chat" }).click();
  const frame = trial.frameLocator('iframe[title="Chat"]');
  await expect(frame.getByTestId("live-widget")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
  await frame.getByLabel("Message").fill("Hello from the test page");
  await frame.getByRole("button", { name: "Send" }).click();
  await expect(frame.locator('[data-testid="widget-message"][data-author="bot"]').last()).not.toBeEmpty({
    timeout: 20_000,
  });
  expect(errors).toEqual([]);
});
