import { expect, type Page } from "@playwright/test";

/** The console user scripts/e2e.sh created for this run. */
export const admin = {
  email: process.env.CHATDECK_E2E_EMAIL ?? "admin@chatdeck.test",
  password: process.env.CHATDECK_E2E_PASSWORD ?? "",
};

/** Signs in through the login form and waits for the hydrated console. */
export async function signIn(page: Page, next = "/"): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(next);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
}
