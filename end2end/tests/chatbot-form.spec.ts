import { expect, test } from "@playwright/test";
import { signIn } from "./auth";

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
  await page.getByLabel("Primary color", { exact: true }).fill("#12345");
  await expect(page.getByTestId("error-primary_color")).toHaveText(/hex colour/);
  await page.getByRole("button", { name: "Create chatbot" }).click();
  await expect(page).toHaveURL(/\/chatbots\/new$/);
  await page.goto("/chatbots");
  await expect(page.getByText(name)).toHaveCount(0);
});

test("a chatbot created through the form appears in the list", async ({ page }) => {
  await signIn(page, "/chatbots/new");
  const name = `Form bot ${Date.now().toString(36)}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Secondary color", { exact: true }).fill("#0EA5E9");
  await page.getByRole("button", { name: "Create chatbot" }).click();
  await expect(page).toHaveURL(/\/chatbots$/);
  const row = page.getByTestId("chatbot-row").filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row.getByRole("img", { name: "Secondary color #0EA5E9" })).toBeVisible();
});
