import http from "node:http";
import type { AddressInfo } from "node:net";

/** A customer's site: a plain page with only the embed tag, served from another origin than
 * chatdeck's, with a Content-Security-Policy that allows nothing but chatdeck (and its own
 * stylesheet, which tries `* { all: unset }` on everything). */
export async function startHostPage(chatdeck: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://host");
    if (url.pathname === "/hostile.css") {
      response.writeHead(200, { "content-type": "text/css" });
      response.end("* { all: unset !important; } body { display: block !important; }");
      return;
    }
    const bot = url.searchParams.get("bot") ?? "";
    const attributes = url.searchParams.get("attrs") ?? "";
    response.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy":
        `default-src 'none'; script-src ${chatdeck}; frame-src ${chatdeck}; connect-src ${chatdeck}; style-src 'self'`,
    });
    response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kettle shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/hostile.css"></head>
<body><h1>Kettle shop</h1><p id="content">Our kettles boil water.</p>
<script src="${chatdeck}/widget.js" data-chatbot-id="${bot}" ${attributes} defer></script>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
