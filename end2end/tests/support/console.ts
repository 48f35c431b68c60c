import { expect, type APIRequestContext, type Page } from "@playwright/test";

/** The console user scripts/e2e.sh created for this run. */
export const admin = {
  email: process.env.CHATDECK_E2E_EMAIL ?? "admin@chatdeck.test",
  password: process.env.CHATDECK_E2E_PASSWORD ?? "",
};

/** A user of an organization without chatbots. */
export const emptyOrgUser = { email: "empty@chatdeck.test", password: admin.password };

/** Signs in through the login form and waits for the hydrated console (`hydrated: false`
 * for a page without JavaScript). */
export async function signIn(
  page: Page,
  next = "/chatbots",
  user = admin,
  { hydrated = true } = {},
): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(next);
  if (hydrated) await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
}

/** Creates a chatbot through the okchat API of the server under test. */
export async function createChatbot(
  request: APIRequestContext,
  body: Record<string, unknown>,
): Promise<{ id: string; name: string; slug: string }> {
  const response = await request.post("/api/external/chatbots", {
    headers: { "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" },
    data: body,
  });
  expect(response.status()).toBe(201);
  return (await response.json()).chatbot;
}

/** Reads a chatbot back through the okchat API, as the source of truth after a save. */
export async function getChatbot(
  request: APIRequestContext,
  id: string,
): Promise<Record<string, any>> {
  const response = await request.get(`/api/external/chatbot/${id}`, {
    headers: { "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).chatbot;
}

/** Uncaught exceptions, console errors and warnings of `page` from now on (a failed
 * hydration shows here, and so does an island whose wasm function is missing). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") errors.push(message.text());
  });
  return errors;
}

/** Waits for the next answer of the server function whose path contains `name` (the
 * snake-case function name): an assertion about a save holds once its answer is in. */
export function serverFnAnswer(page: Page, name: string) {
  return page.waitForResponse((r) => r.url().includes("/api/") && r.url().includes(name) && r.request().method() === "POST");
}

/** The requests to the server function `name` from now on (to show that none was sent). */
export function serverFnCalls(page: Page, name: string): string[] {
  const calls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/") && r.url().includes(name) && r.method() === "POST") calls.push(r.url());
  });
  return calls;
}
