import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { serverFnAnswer } from "./console";

const headers = () => ({ "x-api-key": process.env.CHATDECK_E2E_API_KEY ?? "" });

/** A file to upload, made in the test. */
export type TestFile = { name: string; mimeType: string; buffer: Buffer };

export const markdown = (name: string, text: string): TestFile => ({
  name,
  mimeType: "text/markdown",
  buffer: Buffer.from(text, "utf8"),
});

/** Uploads `file` to the chatbot's knowledge base through the okchat API (Knowledge Base
 * Files), as an okchat client would, and returns the document. */
export async function uploadThroughApi(
  request: APIRequestContext,
  chatbotId: string,
  file: TestFile,
): Promise<Record<string, any>> {
  const response = await request.post(`/api/embedfiles?chatbotId=${chatbotId}`, {
    headers: headers(),
    multipart: { chatbotId, files: file },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).documents[0];
}

/** The chatbot's documents through the okchat API. */
export async function listThroughApi(
  request: APIRequestContext,
  chatbotId: string,
): Promise<Record<string, any>[]> {
  const response = await request.get(`/api/external/chatbot/${chatbotId}/knowledge-base?limit=100`, {
    headers: headers(),
  });
  expect(response.status()).toBe(200);
  return (await response.json()).data;
}

/** Waits until every document of the chatbot is ready (ingestion is asynchronous). */
export async function waitUntilReady(request: APIRequestContext, chatbotId: string): Promise<void> {
  await expect
    .poll(async () => (await listThroughApi(request, chatbotId)).map((d) => d.status), { timeout: 20_000 })
    .not.toContain("processing");
}

/** Opens the Knowledge tab, once its islands have hydrated. */
export async function openKnowledge(page: Page, chatbotId: string): Promise<void> {
  await page.goto(`/chatbots/${chatbotId}/knowledge`);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
}

/** Asks Test retrieval `question` and waits for its answer. */
export async function testRetrieval(page: Page, question: string): Promise<void> {
  const panel = page.getByRole("region", { name: "Test retrieval" });
  await panel.getByLabel("Question to test").fill(question);
  const answer = serverFnAnswer(page, "test_retrieval");
  await panel.getByRole("button", { name: "Test", exact: true }).click();
  expect((await answer).status()).toBe(200);
}
