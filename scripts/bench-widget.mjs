// The embedded widget's figures (scripts/bench-widget.sh runs this against a release server).
// A host page on another origin carries only the embed tag; a control page on the same host
// loads a script of the same kind that draws a plain fixed button, so the launcher's time can
// be read beside what any script-drawn element costs.
import http from "node:http";
import zlib from "node:zlib";
import { chromium } from "playwright";

const [chatdeck, key] = process.argv.slice(2);
const LOADS = 10;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gz = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

const api = async (method, path, body) => {
  const response = await fetch(chatdeck + path, {
    method,
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.json();
};
const bot = (await api("POST", "/api/external/chatbots", { name: "Bench", is_public: true })).chatbot;

// Marks the moment the launcher's host element is in the page, then the next paint.
const probe = `<script>
  new MutationObserver((_, observer) => {
    if (document.body && document.body.lastElementChild && document.body.lastElementChild.tagName === "DIV") {
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => { window.__painted = performance.now(); }));
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
</script>`;
const control = `(function(){var b=document.createElement("button");b.textContent="Chat";
b.style.cssText="position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%";
document.body.appendChild(document.createElement("div")).appendChild(b);})();`;
const server = http.createServer((request, response) => {
  if (request.url === "/control.js") {
    response.writeHead(200, { "content-type": "text/javascript" });
    response.end(control);
    return;
  }
  const src = request.url === "/control" ? "/control.js" : `${chatdeck}/widget.js`;
  response.writeHead(200, { "content-type": "text/html" });
  response.end(`<!doctype html><html><head>${probe}</head><body><h1>Shop</h1>
<script src="${src}" data-chatbot-id="${bot.id}" defer></script></body></html>`);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const site = `http://localhost:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});

// Time from the script's response to the element painted, per fresh page.
async function launcherTime(path, script) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site + path);
  await page.waitForFunction(() => window.__painted !== undefined);
  const ms = await page.evaluate((script) => {
    const entry = performance.getEntriesByType("resource").find((e) => e.name.endsWith(script));
    return window.__painted - entry.responseEnd;
  }, script);
  await context.close();
  return ms;
}

const launcher = [];
const plain = [];
for (let i = 0; i < LOADS; i++) {
  launcher.push(await launcherTime("/", "/widget.js"));
  plain.push(await launcherTime("/control", "/control.js"));
}

// Click to ready: every byte the opened widget loads, and the time until its island hydrated.
const opened = [];
let openedBytes = 0;
let loaderBytes = 0;
for (let i = 0; i < LOADS; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const bodies = [];
  page.on("response", async (response) => {
    if (!response.url().startsWith(chatdeck)) return;
    try {
      bodies.push({ url: response.url(), bytes: gz(await response.body()) });
    } catch {}
  });
  await page.goto(site + "/");
  const button = page.getByRole("button", { name: "Open chat" });
  await button.waitFor();
  const started = Date.now();
  await button.click();
  await page.frameLocator('iframe[title="Chat"]').locator('[data-testid="live-widget"][data-ready="true"]').waitFor();
  opened.push(Date.now() - started);
  await page.waitForTimeout(300);
  if (i === 0) {
    loaderBytes = bodies.filter((b) => b.url.endsWith("/widget.js")).reduce((n, b) => n + b.bytes, 0);
    openedBytes = bodies.reduce((n, b) => n + b.bytes, 0);
    for (const b of bodies) console.log(`  ${kb(b.bytes).padStart(9)}  ${b.url.replace(chatdeck, "")}`);
  }
  await context.close();
}

console.log(`loader (widget.js), gzipped: ${kb(loaderBytes)} (budget <= 5 kB)`);
console.log(`opened widget, everything it loads, gzipped: ${kb(openedBytes)} (budget <= 150 kB)`);
console.log(
  `launcher painted after the loader arrived: median ${median(launcher).toFixed(1)} ms ` +
    `(control: a plain script's button ${median(plain).toFixed(1)} ms; budget <= 100 ms)`,
);
console.log(`click to panel ready to type in: median ${median(opened)} ms over ${LOADS} loads`);
await browser.close();
server.close();
