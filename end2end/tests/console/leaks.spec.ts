import { expect, test, type BrowserContext } from "@playwright/test";
import { createChatbot, serverFnAnswer, signIn } from "../support/console";

// Any API key (the console's own minted key as much as one issued to a person) is 48
// lowercase hex characters; password hashes are PHC strings. Neither may reach a browser.
const KEY = /(?<![0-9a-f])[0-9a-f]{48}(?![0-9a-f])/;
const HASH = /\$argon2(id|i|d)\$/;

/** Every response the context's pages receive, headers and text bodies, from now on. */
function recordResponses(context: BrowserContext): Promise<string>[] {
  const seen: Promise<string>[] = [];
  context.on("response", (response) => {
    const type = response.headers()["content-type"] ?? "";
    const headers = JSON.stringify(response.headers());
    const textual = /json|html|javascript|text|css|svg/.test(type);
    seen.push(
      (textual ? response.text() : Promise.resolve("")).then(
        (body) => `${response.url()}\n${headers}\n${body}`,
        () => `${response.url()}\n${headers}`,
      ),
    );
  });
  return seen;
}

test("the detector finds a key and a password hash where there is one", () => {
  expect(KEY.test(`{"key":"${"ab12".repeat(12)}"}`)).toBe(true);
  expect(KEY.test("a session token of 64: " + "0f".repeat(32))).toBe(false);
  expect(HASH.test("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")).toBe(true);
});

test("no page, server function or asset the browser receives holds an API key or a password hash", async ({
  page,
  context,
  request,
}) => {
  const bot = await createChatbot(request, { name: `Sealed ${Date.now().toString(36)}` });
  const seen = recordResponses(context);
  await signIn(page);
  for (const path of ["/chatbots", "/chatbots/new", `/chatbots/${bot.id}`, `/chatbots/${bot.id}/embed`]) {
    await page.goto(path);
    await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  }
  // The server functions a session calls: save, history, compare.
  await page.goto(`/chatbots/${bot.id}`);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Slogan", { exact: true }).fill("Sealed tight");
  const saved = serverFnAnswer(page, "update_chatbot");
  await page.getByRole("button", { name: "Save changes" }).click();
  expect((await saved).status()).toBe(200);
  const listed = serverFnAnswer(page, "list_history");
  await page.getByTestId("history").getByText("History", { exact: true }).click();
  expect((await listed).status()).toBe(200);
  const compared = serverFnAnswer(page, "version_values");
  await page.getByTestId("history-row").nth(1).getByRole("button", { name: "Compare" }).click();
  expect((await compared).status()).toBe(200);

  const responses = await Promise.all(seen);
  expect(responses.length).toBeGreaterThan(10);
  const leaks = responses.filter((r) => KEY.test(r) || HASH.test(r)).map((r) => r.split("\n")[0]);
  expect(leaks).toEqual([]);
});
