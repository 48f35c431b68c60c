import { expect, test } from "@playwright/test";
import { admin } from "../support/console";

// scripts/e2e.sh starts a second console configured for a remote backend where nothing
// listens (CHATDECK_DOWN_URL).
const downUrl = process.env.CHATDECK_DOWN_URL ?? "";

test("a backend that is down gives a clear banner, not a blank page", async ({ page }) => {
  test.skip(!downUrl, "CHATDECK_DOWN_URL is set by scripts/e2e.sh");
  await page.goto(`${downUrl}/login?next=%2Fchatbots`);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${downUrl}/chatbots`);
  await expect(page.getByRole("alert")).toContainText("not reachable");
  await expect(page.getByTestId("signed-in-as")).toBeVisible();

  await page.goto(`${downUrl}/chatbots/00000000-0000-4000-8000-000000000000`);
  await expect(page.getByTestId("page-error")).toContainText("not reachable");

  await page.goto(`${downUrl}/chatbots/new`);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Name", { exact: true }).fill("Stranded");
  await page.getByRole("button", { name: "Create chatbot" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not reachable" })).toBeVisible();
});
