import { callChatApi } from "@ai-sdk/ui-utils";
import { expect, test } from "@playwright/test";
import { createChatbot } from "../support/console";
import { markdown, uploadThroughApi, waitUntilReady } from "../support/knowledge";

const apiKey = process.env.CHATDECK_E2E_API_KEY ?? "";

/** The Vercel AI SDK's own client (the transport of `useChat` in `ai` 4.x), run in Node
 * against the Chat endpoint unchanged: it must read the text, the finish reason, the usage and
 * the knowledge data part from chatdeck's stream. */
test("the AI SDK's useChat transport reads chatdeck's data stream unchanged", async ({ request, baseURL }) => {
  const bot = await createChatbot(request, { name: `AI SDK ${Date.now().toString(36)}` });
  await uploadThroughApi(
    request,
    bot.id,
    markdown("refunds.md", "# Refunds\n\nWe refund every order within 14 days of delivery. Refunds reach your card in three days.\n"),
  );
  await waitUntilReady(request, bot.id);

  let text = "";
  let data: unknown[] = [];
  let finished: { finishReason?: string; usage?: { promptTokens: number; completionTokens: number } } = {};
  let status = 0;
  await callChatApi({
    api: `${baseURL}/api/external/chatbot/${bot.id}/chat?stream=true`,
    // useChat sends the whole history as UI messages, with its own extra fields.
    body: {
      messages: [{ id: "m1", role: "user", content: "How long do refunds take?", parts: [] }],
      sessionToken: `ai-sdk-${Date.now()}`,
    },
    streamProtocol: "data",
    credentials: undefined,
    headers: { "x-api-key": apiKey },
    abortController: () => null,
    restoreMessagesOnFailure: () => {},
    onResponse: (response) => {
      status = response.status;
    },
    onUpdate: ({ message, data: parts }) => {
      text = message.content;
      data = parts ?? [];
    },
    onFinish: (_message, options) => {
      finished = options;
    },
    onToolCall: undefined,
    generateId: () => crypto.randomUUID(),
    fetch: undefined,
    lastMessage: undefined,
  });

  expect(status).toBe(200);
  expect(text).toContain("within 14 days");
  expect(finished.finishReason).toBe("stop");
  expect(finished.usage?.completionTokens).toBeGreaterThan(0);
  const knowledge = data.find((part: any) => part?.type === "knowledge") as any;
  expect(knowledge.results[0].content).toContain("14 days");
  expect(knowledge.results[0].similarity).toBeGreaterThan(0);
});
