import { expect, test } from "@playwright/test";
import { createChatbot, serverFnAnswer, serverFnCalls, signIn } from "../support/console";

test("the preview follows typing before anything is saved", async ({ page }) => {
  await signIn(page, "/chatbots/new");
  const preview = page.getByTestId("widget-preview");
  const header = preview.getByTestId("widget-header");

  await page.getByLabel("Name", { exact: true }).fill("Helpdesk");
  await expect(page.getByLabel("Slug", { exact: true })).toHaveValue("helpdesk");
  await page.getByLabel("Header", { exact: true }).fill("Ask us anything");
  await expect(header).toContainText("Ask us anything");

  await page.getByLabel("Primary color", { exact: true }).fill("#FF0000");
  await expect(header).toHaveCSS("background-color", "rgb(255, 0, 0)");
  await expect(preview.getByTestId("widget-launcher")).toHaveCSS("background-color", "rgb(255, 0, 0)");
  await expect(page.getByTestId("contrast-primary_color")).toContainText("AA");

  await page.getByLabel("Slogan", { exact: true }).fill("Fast answers");
  await expect(preview.getByTestId("widget-slogan")).toHaveText("Fast answers");
  await page.getByLabel("Greeting", { exact: true }).fill("Hi there!");
  await expect(preview.getByTestId("widget-greeting")).toHaveText("Hi there!");
  await page.getByLabel("Logo URL", { exact: true }).fill("https://example.com/logo.png");
  await expect(preview.getByTestId("widget-logo")).toHaveAttribute("src", "https://example.com/logo.png");
});

test("an invalid colour shows an inline error and saves nothing", async ({ page }) => {
  await signIn(page, "/chatbots/new");
  const name = `Never saved ${Date.now().toString(36)}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  const calls = serverFnCalls(page, "create_chatbot");
  await page.getByLabel("Primary color", { exact: true }).fill("#12345");
  await expect(page.getByTestId("error-primary_color")).toHaveText(/hex colour/);
  await page.getByRole("button", { name: "Create chatbot" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "need attention" })).toBeVisible();
  await expect(page).toHaveURL(/\/chatbots\/new$/);
  expect(calls).toEqual([]);
  await page.goto("/chatbots");
  await expect(page.getByText(name)).toHaveCount(0);
});

test("a chatbot created through the form opens, and appears in the list", async ({ page }) => {
  await signIn(page, "/chatbots/new");
  const name = `Form bot ${Date.now().toString(36)}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Secondary color", { exact: true }).fill("#0EA5E9");
  const created = serverFnAnswer(page, "create_chatbot");
  await page.getByRole("button", { name: "Create chatbot" }).click();
  expect((await created).status()).toBe(200);
  await expect(page).toHaveURL(/\/chatbots\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("chatbot-title")).toHaveText(name);
  await expect(page.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByLabel("Secondary color", { exact: true })).toHaveValue("#0EA5E9");
  await page.getByRole("link", { name: "Chatbots" }).first().click();
  await expect(page).toHaveURL(/\/chatbots$/);
  const row = page.getByTestId("chatbot-row").filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row.getByRole("img", { name: "Secondary color #0EA5E9" })).toBeVisible();
});

test("edits are saved, survive a reload, and are announced", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Editable ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  await expect(page.getByLabel("Slug", { exact: true })).toHaveValue(bot.slug);
  await expect(page.getByLabel("Slug", { exact: true })).toHaveAttribute("readonly", "");

  await page.getByLabel("Header", { exact: true }).fill("Edited header");
  await page.getByLabel("Primary color", { exact: true }).fill("#0F766E");
  await expect(page.getByTestId("unsaved")).toBeVisible();
  await expect(page.getByTestId("widget-header")).toHaveCSS("background-color", "rgb(15, 118, 110)");
  const saved = serverFnAnswer(page, "update_chatbot");
  await page.getByRole("button", { name: "Save changes" }).click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByTestId("saved-toast")).toBeVisible();
  await expect(page.getByTestId("unsaved")).toHaveCount(0);

  await page.reload();
  await expect(page.getByLabel("Header", { exact: true })).toHaveValue("Edited header");
  await expect(page.getByLabel("Primary color", { exact: true })).toHaveValue("#0F766E");
  await expect(page.getByTestId("widget-header")).toContainText("Edited header");
});

test("an invalid edit is refused inline and changes nothing", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Guarded ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  const calls = serverFnCalls(page, "update_chatbot");
  await page.getByLabel("Logo URL", { exact: true }).fill("javascript:alert(1)");
  await expect(page.getByTestId("error-logo")).not.toBeEmpty();
  await page.getByRole("button", { name: "Save changes" }).click();
  // Refused in the browser: the form says why, and nothing is sent.
  await expect(page.getByTestId("unsaved")).toBeVisible();
  await expect(page.getByTestId("saved-toast")).toHaveCount(0);
  expect(calls).toEqual([]);
  page.on("dialog", (dialog) => dialog.accept());
  await page.reload();
  await expect(page.getByLabel("Logo URL", { exact: true })).toHaveValue("");
});

test("leaving with unsaved changes asks first, and staying keeps them", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Unsaved ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  await page.getByLabel("Header", { exact: true }).fill("Not saved yet");
  await expect(page.getByTestId("unsaved")).toBeVisible();
  const asked = page.waitForEvent("dialog").then(async (dialog) => {
    expect(dialog.type()).toBe("beforeunload");
    await dialog.dismiss();
  });
  await page.getByRole("link", { name: "chatdeck" }).click();
  await asked;
  await expect(page).toHaveURL(`/chatbots/${bot.id}`);
  await expect(page.getByLabel("Header", { exact: true })).toHaveValue("Not saved yet");
});

test("deleting asks for confirmation, then removes the chatbot", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Doomed ${Date.now().toString(36)}` });
  await signIn(page, `/chatbots/${bot.id}`);
  // Unsaved edits do not hold a deletion back with a leave prompt.
  await page.getByLabel("Slogan", { exact: true }).fill("Edited, then deleted");
  page.on("dialog", (dialog) => dialog.dismiss());
  await page.getByRole("button", { name: "Delete chatbot" }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Delete chatbot" }).click();
  await page.getByRole("button", { name: "Delete permanently" }).click();
  await expect(page).toHaveURL(/\/chatbots$/);
  await expect(page.getByText(bot.name)).toHaveCount(0);
  const gone = await request.get(`/api/external/chatbot/${bot.id}`, {
    headers: { "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" },
  });
  expect(gone.status()).toBe(404);
});
