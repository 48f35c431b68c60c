import { expect, test } from "@playwright/test";
import { createChatbot, getChatbot, serverFnAnswer, serverFnCalls, signIn } from "../support/console";

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

  let answer = serverFnAnswer(page, "update_chatbot");
  await page.getByRole("button", { name: "Save changes" }).click();
  expect((await answer).status()).toBe(200);
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
  answer = serverFnAnswer(page, "update_chatbot");
  await page.getByRole("button", { name: "Save changes" }).click();
  expect((await answer).status()).toBe(200);
  await expect(page.getByTestId("saved-toast")).toBeVisible();
  const cleared = await getChatbot(request, bot.id);
  expect(cleared.voice_widget_config.text ?? {}).not.toHaveProperty("startCall");
  expect(cleared.voice_widget_config.model.temperature).toBe(0.3);
});

test("a voice value out of range is refused inline and saves nothing", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Ranged ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  const calls = serverFnCalls(page, "update_chatbot");
  await page.getByText("Voice agent", exact).click();
  await page.getByLabel("Temperature", exact).fill("1.5");
  await expect(page.getByTestId("error-voice-temperature")).not.toBeEmpty();
  await page.getByLabel("Silence duration (ms)", exact).fill("20000");
  await expect(page.getByTestId("error-voice-silence_duration_ms")).not.toBeEmpty();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("save-error")).toContainText("need attention");
  expect(calls).toEqual([]);
  const stored = await getChatbot(request, bot.id);
  expect(stored.voice_widget_config ?? {}).not.toHaveProperty("model");
});

test("the prompt counts its characters and refuses more than the limit", async ({ page }) => {
  await signIn(page, "/chatbots/new");
  await page.getByLabel("Name", exact).fill("Long winded");
  await page.getByLabel("Prompt", exact).fill("x".repeat(20_001));
  await expect(page.getByTestId("count-prompt")).toHaveText("20,001 / 20,000 characters");
  await expect(page.getByTestId("error-prompt")).not.toBeEmpty();
  const calls = serverFnCalls(page, "create_chatbot");
  await page.getByRole("button", { name: "Create chatbot" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "need attention" })).toBeVisible();
  await expect(page).toHaveURL(/\/chatbots\/new$/);
  expect(calls).toEqual([]);
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
  const uploaded = serverFnAnswer(page, "upload_avatar");
  await page.getByLabel("Avatar image", exact).setInputFiles({ name: "face.png", mimeType: "image/png", buffer: PNG });
  expect((await uploaded).status()).toBe(200);
  await expect(page.getByTestId("avatar-status")).toHaveText("Avatar saved.");
  await expect(page.getByTestId("avatar-image")).toHaveAttribute("src", /\/uploads\//);
  await expect(page.getByTestId("widget-preview").getByTestId("widget-avatar").first()).toBeVisible();
  expect((await getChatbot(request, bot.id)).settings.avatar).toMatch(/\/uploads\//);

  await page.reload();
  await expect(page.getByTestId("avatar-image")).toHaveAttribute("src", /\/uploads\//);
  const removed = serverFnAnswer(page, "remove_avatar");
  await page.getByRole("button", { name: "Remove avatar" }).click();
  expect((await removed).status()).toBe(200);
  await expect(page.getByTestId("avatar-empty")).toBeVisible();
  expect((await getChatbot(request, bot.id)).settings.avatar ?? null).toBeNull();
});

test("a file that is not an image is refused with a clear message", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Unpictured ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  const refused = serverFnAnswer(page, "upload_avatar");
  await page.getByLabel("Avatar image", exact).setInputFiles({
    name: "notes.png",
    mimeType: "image/png",
    buffer: Buffer.from("just some text, not a picture"),
  });
  expect((await refused).status()).toBe(422);
  await expect(page.getByTestId("avatar-status")).toHaveText("The avatar must be a PNG, JPEG, GIF or WebP image.");
  expect((await getChatbot(request, bot.id)).settings.avatar ?? null).toBeNull();
});
