// An OpenAI-compatible chat completions endpoint for the browser tests, the one stand-in the
// suite has: no paid model is reachable here. It streams a fixed Markdown answer in pieces,
// 150 ms apart, so a test can watch the answer grow. Usage: node scripted-model.mjs PORT
import http from "node:http";

const port = Number(process.argv[2]);
const pieces = ["Refunds ", "take ", "**14 days** ", "from ", "delivery, ", "see [our policy](https://example.com/refunds)."];
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    model: "scripted-model",
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;

http
  .createServer((request, response) => {
    if (request.method !== "POST" || !request.url.endsWith("/chat/completions")) {
      response.writeHead(404).end();
      return;
    }
    request.resume();
    request.on("end", async () => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(chunk({ role: "assistant", content: "" }));
      for (const piece of pieces) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        response.write(chunk({ content: piece }));
      }
      response.write(chunk({}, "stop"));
      response.write(
        `data: ${JSON.stringify({
          id: "chatcmpl-scripted",
          object: "chat.completion.chunk",
          model: "scripted-model",
          choices: [],
          usage: { prompt_tokens: 210, completion_tokens: 17, total_tokens: 227 },
        })}\n\n`,
      );
      response.end("data: [DONE]\n\n");
    });
  })
  .listen(port, "127.0.0.1");
