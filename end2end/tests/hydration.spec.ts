import { expect, test, type Page } from "@playwright/test";
import { createChatbot, emptyOrgUser, signIn } from "./auth";

/** Uncaught exceptions, console errors and warnings of `page` from now on (a failed
 * hydration shows here, and so does an island whose wasm function is missing). */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") errors.push(message.text());
  });
  return errors;
}

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

test("the console never ships the API key to the browser", async ({ page }) => {
  const bodies: string[] = [];
  page.on("response", async (response) => {
    try {
      bodies.push(await response.text());
    } catch {
      // redirects and aborted requests have no body
    }
  });
  await signIn(page);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Chatbots" })).toBeVisible();
  const key = process.env.CHATDECK_E2E_API_KEY ?? "";
  expect(key).toHaveLength(48);
  for (const body of bodies) expect(body).not.toContain(key);
});

test("the stylesheet and favicon are served", async ({ request }) => {
  const css = await request.get("/pkg/chatdeck.css");
  expect(css.status()).toBe(200);
  expect(await css.text()).toContain(".bg-indigo-600");

  const icon = await request.get("/favicon.svg");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
});

test("the form pages hydrate without errors, loaded directly or reached in the browser", async ({
  page,
  request,
}) => {
  const errors = pageErrors(page);
  const bot = await createChatbot(request, { name: `Hydrated ${Date.now().toString(36)}` });
  // Loaded directly: server-rendered, then the form island's wasm chunk hydrates it.
  await signIn(page, `/chatbots/${bot.id}`);
  for (const path of [`/chatbots/${bot.id}`, "/chatbots/new"]) {
    await page.goto(path);
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
