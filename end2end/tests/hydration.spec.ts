import { expect, test } from "@playwright/test";
import { signIn } from "./auth";

test("home page is server-rendered and its counter works after hydration", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });

  await signIn(page);
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);

  // Server-rendered markup, before any wasm runs.
  await expect(page.getByRole("heading", { level: 1, name: "chatdeck" })).toBeVisible();
  await expect(page).toHaveTitle("chatdeck");

  // Set by an Effect, which only runs in the browser once hydration has finished.
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");

  const count = page.getByTestId("count");
  await expect(count).toHaveText("0");
  await page.getByTestId("counter").click();
  await expect(count).toHaveText("1");
  await page.getByTestId("counter").click();
  await expect(count).toHaveText("2");

  expect(errors).toEqual([]);
});

test("the stylesheet and favicon are served", async ({ request }) => {
  const css = await request.get("/pkg/chatdeck.css");
  expect(css.status()).toBe(200);
  expect(await css.text()).toContain(".bg-indigo-600");

  const icon = await request.get("/favicon.svg");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
});
