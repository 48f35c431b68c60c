import { expect, test } from "@playwright/test";

test("the stylesheet and favicon are served", async ({ request }) => {
  const css = await request.get("/pkg/chatdeck.css");
  expect(css.status()).toBe(200);
  expect(await css.text()).toContain(".bg-indigo-600");

  const icon = await request.get("/favicon.svg");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
});
