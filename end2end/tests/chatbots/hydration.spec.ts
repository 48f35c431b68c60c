import { expect, test } from "@playwright/test";
import { createChatbot, emptyOrgUser, pageErrors, signIn } from "../support/console";

test("the chatbot list is server-rendered, hydrates, and filters as you type", async ({
  page,
  request,
}) => {
  const errors = pageErrors(page);
  const suffix = Date.now().toString(36);
  await createChatbot(request, {
    name: `Support ${suffix}`,
    is_public: true,
    settings: { snippet: { primaryColor: "#9c2caa", secondaryColor: "#10B981" } },
  });
  await createChatbot(request, { name: `Sales ${suffix}` });

  await signIn(page);
  await expect(page).toHaveTitle("chatdeck");
  const rows = page.getByTestId("chatbot-row");
  const support = rows.filter({ hasText: `Support ${suffix}` });
  await expect(support).toContainText("Public");
  await expect(support).toContainText("Active");
  await expect(support.getByRole("img", { name: "Primary color #9c2caa" })).toBeVisible();
  await expect(rows.filter({ hasText: `Sales ${suffix}` })).toContainText("Private");

  // Filtering happens in the browser: it only works once the page has hydrated.
  await page.getByLabel("Search chatbots by name").fill(`sales ${suffix}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Sales ${suffix}`);
  await page.getByLabel("Search chatbots by name").fill("no such bot at all");
  await expect(rows).toHaveCount(0);
  await expect(page.getByTestId("no-match")).toBeVisible();

  // A search typed before the list's island has hydrated still filters once it has.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/split_chatbot_browser_loader_\w+\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await page.getByLabel("Search chatbots by name").fill(`support ${suffix}`);
  release();
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Support ${suffix}`);

  expect(errors).toEqual([]);
});

test("an organization without chatbots sees the empty state with a call to action", async ({ page }) => {
  await signIn(page, "/chatbots", emptyOrgUser);
  await expect(page.getByTestId("empty-state")).toBeVisible();
  await expect(page.getByRole("link", { name: "Create your first chatbot" })).toHaveAttribute(
    "href",
    "/chatbots/new",
  );
});

test("the form pages hydrate without errors, loaded directly or reached in the browser", async ({
  page,
  request,
}) => {
  const errors = pageErrors(page);
  const bot = await createChatbot(request, { name: `Hydrated ${Date.now().toString(36)}` });
  // Loaded directly: server-rendered, then the form island's wasm chunk hydrates it.
  await signIn(page, `/chatbots/${bot.id}`);
  for (const [path, island] of [
    [`/chatbots/${bot.id}`, "edit_form"],
    ["/chatbots/new", "new_chatbot_page"],
  ]) {
    await page.goto(path);
    // The island's wasm chunk is fetched with the page (and used: an unused preload would
    // warn in the console).
    await expect(page.locator(`link[rel="preload"][href*="/split_${island}_loader_"]`)).toHaveCount(1);
    await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
    await page.getByLabel("Header", { exact: true }).fill("Typed after hydration");
    await expect(page.getByTestId("widget-header")).toContainText("Typed after hydration");
  }
  // Reached by a link from the list: a page load, and the island hydrates again.
  await page.goto("/chatbots");
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("link", { name: bot.name }).first().click();
  await expect(page).toHaveURL(`/chatbots/${bot.id}`);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Header", { exact: true }).fill("Typed after following the link");
  await expect(page.getByTestId("widget-header")).toContainText("Typed after following the link");
  expect(errors).toEqual([]);
});

test("without wasm, the edit form already shows the saved values", async ({ browser, request }) => {
  const bot = await createChatbot(request, {
    name: `Server-rendered ${Date.now().toString(36)}`,
    description: "Answers billing questions",
    is_public: true,
    settings: { snippet: { header: "Billing help", primaryColor: "#0F766E" } },
  });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, `/chatbots/${bot.id}`, undefined, { hydrated: false });
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(bot.name);
  await expect(page.getByLabel("Description", { exact: true })).toHaveValue("Answers billing questions");
  await expect(page.getByLabel("Header", { exact: true })).toHaveValue("Billing help");
  await expect(page.getByLabel("Primary color", { exact: true })).toHaveValue("#0F766E");
  await expect(page.getByLabel("Color picker for the primary")).toHaveValue("#0f766e");
  await expect(page.getByLabel("Public", { exact: true })).toBeChecked();
  await expect(page.getByLabel("Tools", { exact: true })).not.toBeChecked();
  await context.close();
});

test("what is typed before the form's island hydrates is kept and previewed", async ({ page }) => {
  await signIn(page, "/chatbots");
  // Hold the new-chatbot island's wasm chunk back until the fields have been typed into.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/split_new_chatbot_page_loader_\w+\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/chatbots/new");
  await page.getByLabel("Name", { exact: true }).fill("Typed early");
  await page.getByLabel("Slug", { exact: true }).fill("my-own-slug");
  await page.getByLabel("Header", { exact: true }).fill("Before hydration");
  await expect(page.locator("#console")).not.toHaveAttribute("data-hydrated", "true");
  release();
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByLabel("Header", { exact: true })).toHaveValue("Before hydration");
  await expect(page.getByTestId("widget-header")).toContainText("Before hydration");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Typed early");
  // A slug typed by hand is not replaced by the one suggested from the name.
  await expect(page.getByLabel("Slug", { exact: true })).toHaveValue("my-own-slug");
  await page.getByLabel("Name", { exact: true }).fill("Typed early, then more");
  await expect(page.getByLabel("Slug", { exact: true })).toHaveValue("my-own-slug");
});
