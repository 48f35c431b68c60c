import { expect, test, type Page } from "@playwright/test";
import { createChatbot, pageErrors, serverFnAnswer, signIn } from "../support/console";
import { listThroughApi, markdown } from "../support/knowledge";

const stamp = () => Date.now().toString(36);

/** Every value the progress bars of `page` take from now on, per file (a MutationObserver
 * in the page: the bars move faster than a test can poll them). */
async function recordProgress(page: Page): Promise<() => Promise<Record<string, number[]>>> {
  await page.evaluate(() => {
    const seen: Record<string, number[]> = {};
    (window as any).__progress = seen;
    const record = (bar: Element) => {
      const name = bar.getAttribute("aria-label") ?? "";
      (seen[name] ??= []).push(Number(bar.getAttribute("aria-valuenow")));
    };
    new MutationObserver((changes) => {
      for (const change of changes) {
        const target = change.target as Element;
        if (change.type === "attributes" && target.getAttribute?.("role") === "progressbar") record(target);
        change.addedNodes.forEach((node) => {
          if (node instanceof Element) node.querySelectorAll('[role="progressbar"]').forEach(record);
        });
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-valuenow"] });
  });
  return () => page.evaluate(() => (window as any).__progress);
}

test("several files upload at once, each with a progress bar following its bytes, and turn ready without a reload", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Uploads ${stamp()}` });
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const errors = pageErrors(page);
  // Gone after any page load: the page must update by itself.
  await page.evaluate(() => ((window as any).__samePage = true));
  const progress = await recordProgress(page);
  // A slow uplink, so the large file's progress is seen between 0 and 100 %.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 512 * 1024,
  });
  const manual = "# Shipping manual\n\n" + "Parcels leave the warehouse within two working days. ".repeat(30_000);
  await page.getByLabel("Files to upload").setInputFiles([
    markdown("shipping-manual.md", manual),
    { name: "returns.txt", mimeType: "text/plain", buffer: Buffer.from("Returns are accepted within 30 days of delivery.\n") },
    { name: "prices.csv", mimeType: "text/csv", buffer: Buffer.from("plan,monthly price\nBasic,9\nPro,29\n") },
  ]);
  const uploads = page.getByRole("list", { name: "Uploads" }).getByTestId("upload-row");
  await expect(uploads).toHaveCount(3);
  const large = uploads.filter({ hasText: "shipping-manual.md" });
  await expect(large).toContainText("1.6 MB");
  await expect(large.getByTestId("upload-state")).toHaveText(/Uploading \d+%/);
  await expect(large).not.toHaveAttribute("data-state", "uploading", { timeout: 20_000 });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const seen = (await progress())["shipping-manual.md upload"] ?? [];
  expect(seen.some((p) => p > 0 && p < 100), `progress values seen: ${seen.join(", ")}`).toBe(true);
  // The values only grow: they follow the bytes sent.
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);

  for (const name of ["shipping-manual.md", "returns.txt", "prices.csv"]) {
    const row = uploads.filter({ hasText: name });
    await expect(row, `${name} turns ready`).toHaveAttribute("data-state", "ready", { timeout: 25_000 });
    await expect(row.getByTestId("upload-state")).toHaveText(/Ready · \d+ chunks?/);
    await expect(row.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  }
  // The table followed by itself, each row with its type, size and chunks.
  const table = page.getByRole("region", { name: "Documents" });
  const rows = table.getByTestId("document-row");
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ has: page.getByTestId("document-status").filter({ hasText: "Ready" }) })).toHaveCount(3, {
    timeout: 25_000,
  });
  const types = await rows.getByTestId("document-type").allTextContents();
  expect(types.sort()).toEqual(["CSV", "Markdown", "Text"]);
  await expect(table.getByTestId("document-count")).toHaveText("3 documents");
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  expect((await listThroughApi(request, bot.id)).map((d) => d.status)).toEqual(["ready", "ready", "ready"]);
  expect(errors).toEqual([]);
});

test("a processing document shows a pulsing badge in the table until it is ready", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Polling ${stamp()}` });
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const polls: number[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/list_documents")) polls.push(Date.now());
  });
  await page.evaluate(() => {
    const statuses: string[] = ((window as any).__statuses = []);
    new MutationObserver(() => {
      const badge = document.querySelector('[data-testid="document-status"]');
      if (!badge) return;
      const text = (badge.textContent ?? "").replace(/\s+/g, " ").trim() + (badge.querySelector(".animate-spin") ? " (pulsing)" : "");
      if (statuses.at(-1) !== text) statuses.push(text);
    }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  });
  // 12 MB: ingestion runs at about 15 MB/s, so the document stays processing for most of a
  // second, longer than the table takes to show it (1 MB was ready before the first render).
  await page.getByLabel("Files to upload").setInputFiles([
    markdown("faq.md", "# FAQ\n\n" + "Our support team answers within one business day. ".repeat(240_000)),
  ]);
  const row = page.getByRole("region", { name: "Documents" }).getByTestId("document-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("document-status")).toHaveText("Ready", { timeout: 25_000 });
  // Ingestion may finish within a poll or two: the badges the row showed on the way were
  // recorded as they changed.
  const shown = await page.evaluate(() => (window as any).__statuses as string[]);
  expect(shown[0]).toBe("Processing (pulsing)");
  expect(shown.at(-1)).toBe("Ready");
  await expect(row.getByTestId("document-chunks")).toHaveText(/^[1-9][\d,]*$/);
  // It polled while processing, then stopped.
  const settled = polls.length;
  expect(settled).toBeGreaterThan(0);
  await page.waitForTimeout(3_500);
  expect(polls.length).toBe(settled);
});

test("a dropped file uploads like a chosen one", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Dropped ${stamp()}` });
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["# Dropped\n\nDropped files are uploaded too."], "dropped.md", { type: "text/markdown" }));
    return transfer;
  });
  const answer = serverFnAnswer(page, "upload_documents");
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
  expect((await answer).status()).toBe(200);
  const row = page.getByRole("list", { name: "Uploads" }).getByTestId("upload-row");
  await expect(row).toContainText("dropped.md");
  await expect(row).toHaveAttribute("data-state", "ready", { timeout: 20_000 });
});

test("a file of a type the knowledge base does not take is refused, naming it", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Refused ${stamp()}` });
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const answer = serverFnAnswer(page, "upload_documents");
  await page.getByLabel("Files to upload").setInputFiles([
    { name: "installer.exe", mimeType: "application/x-msdownload", buffer: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04]) },
  ]);
  expect((await answer).status()).toBe(422);
  const row = page.getByRole("list", { name: "Uploads" }).getByTestId("upload-row");
  await expect(row).toHaveAttribute("data-state", "refused");
  await expect(row.getByTestId("upload-state")).toHaveText(/^Refused: .*installer\.exe/);
  await expect(page.getByRole("region", { name: "Documents" }).getByTestId("documents-empty")).toBeVisible();
  expect(await listThroughApi(request, bot.id)).toEqual([]);
});

test("a file over 20 MiB is refused before it is sent", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Too large ${stamp()}` });
  await signIn(page, `/chatbots/${bot.id}/knowledge`);
  const sent: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("upload_documents")) sent.push(r.url());
  });
  await page.getByLabel("Files to upload").setInputFiles([
    { name: "huge.txt", mimeType: "text/plain", buffer: Buffer.alloc(20 * 1024 * 1024 + 1, "a") },
  ]);
  const row = page.getByRole("list", { name: "Uploads" }).getByTestId("upload-row");
  await expect(row.getByTestId("upload-state")).toHaveText("Refused: “huge.txt” is larger than 20 MiB.");
  expect(sent).toEqual([]);
});
