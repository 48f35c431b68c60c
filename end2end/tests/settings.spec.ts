import { expect, test } from "@playwright/test";
import { createChatbot, getChatbot, signIn } from "./auth";

const exact = { exact: true };

test("behaviour, language and voice fields save and survive a reload", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Complete ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);

  await page.getByLabel("Model", exact).fill("gpt-4o");
  await page.getByLabel("Tone", exact).fill("Playful");
  await page.getByLabel("Style", exact).fill("Concise");
  await page.getByLabel("Prompt", exact).fill("Answer in one sentence.");
  await expect(page.getByTestId("count-prompt")).toHaveText("23 / 20,000 characters");
  await page.getByLabel("Tools", exact).check();
  await page.getByLabel("Lead capture", exact).check();
  await page.getByLabel("Widget language", exact).selectOption("ko");

  await page.getByText("Voice agent", exact).click();
  await page.getByLabel("Temperature", exact).fill("0.3");
  await expect(page.getByLabel("Temperature slider")).toHaveValue("0.3");
  await page.getByLabel("Max output tokens", exact).fill("4096");
  await page.getByLabel("Start call button", exact).fill("Call us");
  await page.getByLabel("Button color", exact).fill("#112233");

  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("saved-toast")).toBeVisible();

  const saved = await getChatbot(request, bot.id);
  expect(saved.settings.model).toBe("gpt-4o");
  expect(saved.settings.prompt).toBe("Answer in one sentence.");
  expect(saved.settings.isToolEnabled).toBe(true);
  expect(saved.settings.isRequestUserInfoEnabled).toBe(true);
  expect(saved.personality_config).toEqual({ tone: "Playful", style: "Concise" });
  expect(saved.chat_widget_config.language).toBe("ko");
  expect(saved.voice_widget_config.model).toEqual({ temperature: 0.3, max_output_tokens: 4096 });
  expect(saved.voice_widget_config.text.startCall).toBe("Call us");
  expect(saved.voice_widget_config.appearance.buttonColor).toBe("#112233");

  await page.reload();
  await expect(page.getByLabel("Model", exact)).toHaveValue("gpt-4o");
  await expect(page.getByLabel("Lead capture", exact)).toBeChecked();
  await expect(page.getByLabel("Widget language", exact)).toHaveValue("ko");
  // A configured voice agent opens its section.
  await expect(page.getByLabel("Temperature", exact)).toHaveValue("0.3");

  // Clearing a voice field removes it from the stored configuration.
  await page.getByLabel("Start call button", exact).fill("");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("saved-toast")).toBeVisible();
  const cleared = await getChatbot(request, bot.id);
  expect(cleared.voice_widget_config.text ?? {}).not.toHaveProperty("startCall");
  expect(cleared.voice_widget_config.model.temperature).toBe(0.3);
});

test("a voice value out of range is refused inline and saves nothing", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Ranged ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  await page.getByText("Voice agent", exact).click();
  await page.getByLabel("Temperature", exact).fill("1.5");
  await expect(page.getByTestId("error-voice-temperature")).not.toBeEmpty();
  await page.getByLabel("Silence duration (ms)", exact).fill("20000");
  await expect(page.getByTestId("error-voice-silence_duration_ms")).not.toBeEmpty();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("saved-toast")).toHaveCount(0);
  const stored = await getChatbot(request, bot.id);
  expect(stored.voice_widget_config ?? {}).not.toHaveProperty("model");
});

test("the prompt counts its characters and refuses more than the limit", async ({ page }) => {
  await signIn(page, "/chatbots/new");
  await page.getByLabel("Name", exact).fill("Long winded");
  await page.getByLabel("Prompt", exact).fill("x".repeat(20_001));
  await expect(page.getByTestId("count-prompt")).toHaveText("20,001 / 20,000 characters");
  await expect(page.getByTestId("error-prompt")).not.toBeEmpty();
  await page.getByRole("button", { name: "Create chatbot" }).click();
  await expect(page).toHaveURL(/\/chatbots\/new$/);
});

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

test("an avatar uploads with a preview, shows in the widget, and can be removed", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Pictured ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  await expect(page.getByTestId("avatar-empty")).toBeVisible();
  await page.getByLabel("Avatar image", exact).setInputFiles({ name: "face.png", mimeType: "image/png", buffer: PNG });
  await expect(page.getByTestId("avatar-status")).toHaveText("Avatar saved.");
  await expect(page.getByTestId("avatar-image")).toHaveAttribute("src", /\/uploads\//);
  await expect(page.getByTestId("widget-preview").getByTestId("widget-avatar").first()).toBeVisible();
  expect((await getChatbot(request, bot.id)).settings.avatar).toMatch(/\/uploads\//);

  await page.reload();
  await expect(page.getByTestId("avatar-image")).toHaveAttribute("src", /\/uploads\//);
  await page.getByRole("button", { name: "Remove avatar" }).click();
  await expect(page.getByTestId("avatar-empty")).toBeVisible();
  expect((await getChatbot(request, bot.id)).settings.avatar ?? null).toBeNull();
});

test("a file that is not an image is refused with a clear message", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Unpictured ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  await page.getByLabel("Avatar image", exact).setInputFiles({
    name: "notes.png",
    mimeType: "image/png",
    buffer: Buffer.from("just some text, not a picture"),
  });
  await expect(page.getByTestId("avatar-status")).not.toHaveText(/saved|Uploading/);
  await expect(page.getByTestId("avatar-status")).not.toBeEmpty();
  expect((await getChatbot(request, bot.id)).settings.avatar ?? null).toBeNull();
});

test("the embed card shows the script tag with okchat's attributes and copies it", async ({ page, context, request }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const bot = await createChatbot(request, {
    name: `Embedded ${Date.now().toString(36)}`,
    settings: { snippet: { primaryColor: "#0EA5E9" } },
  });
  await signIn(page, `/chatbots/${bot.id}`);
  const code = page.getByTestId("embed-code");
  await expect(code).toHaveValue(new RegExp(`data-chatbot-id="${bot.id}"`));
  await expect(code).toHaveValue(/data-primary-color="#0EA5E9"/);
  await expect(code).toHaveValue(/<script src="http:\/\/127\.0\.0\.1:\d+\/widget\.js"/);
  for (const attr of ["header", "logo", "name", "slogan", "secondary-color", "language"]) {
    await expect(code).toHaveValue(new RegExp(`data-${attr}="`));
  }
  await page.getByLabel("Header", exact).fill("Talk to us");
  await expect(code).toHaveValue(/data-header="Talk to us"/);

  await page.getByRole("button", { name: "Copy embed code" }).click();
  await expect(page.getByTestId("embed-status")).toHaveText("Copied to the clipboard.");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`data-chatbot-id="${bot.id}"`);
});
