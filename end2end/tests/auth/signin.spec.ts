import { expect, test } from "@playwright/test";
import { admin, signIn } from "../support/console";

test("a console page without a session redirects to the sign-in page", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?next=\/$/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("wrong credentials show an error and keep the visitor signed out", async ({ page }) => {
  await page.goto("/login");
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("signing in sets an HttpOnly session cookie and signing out ends it", async ({ page, context }) => {
  await signIn(page);
  await expect(page.getByTestId("signed-in-as")).toContainText(admin.email);
  const cookie = (await context.cookies()).find((c) => c.name === "chatdeck_session");
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe("Lax");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("the sign-in form works before the wasm has loaded", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login?next=%2Fchatbots");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/chatbots");
  await expect(page.getByTestId("signed-in-as")).toContainText(admin.email);
  await context.close();
});

test("without wasm, wrong credentials come back to the sign-in page with the error shown", async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login?next=%2Fchatbots");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  // Signing in from there still goes where the first link pointed.
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL("/chatbots");
  await context.close();
});
