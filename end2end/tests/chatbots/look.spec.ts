import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { createChatbot, signIn } from "../support/console";

/** A computed background colour as [r, g, b] (Tailwind 4 colours compute to lab()). */
async function background(locator: Locator): Promise<number[]> {
  return locator.evaluate((el) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = getComputedStyle(el).backgroundColor;
    ctx.fillRect(0, 0, 1, 1);
    return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
  });
}

const isDark = (rgb: number[]) => rgb.every((c) => c < 60);
const isLight = (rgb: number[]) => rgb.every((c) => c > 200);

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the preview switches between desktop and phone frames and light and dark host pages", async ({ page }) => {
  await signIn(page, "/chatbots/new");
  const frame = page.getByTestId("preview-frame");
  await expect(frame).toHaveAttribute("data-device", "desktop");
  await page.getByRole("button", { name: "Mobile" }).click();
  await expect(frame).toHaveAttribute("data-device", "mobile");
  const box = await frame.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(330);
  // The open panel fits inside the phone.
  const panel = await frame.getByTestId("widget-header").boundingBox();
  expect(panel!.x).toBeGreaterThanOrEqual(box!.x);
  expect(panel!.x + panel!.width).toBeLessThanOrEqual(box!.x + box!.width);
  expect(isLight(await background(frame))).toBe(true);
  await page.getByRole("button", { name: "Dark page" }).click();
  await expect(frame).toHaveAttribute("data-host", "dark");
  expect(isDark(await background(frame))).toBe(true);
  // The widget keeps following the form inside either frame.
  await page.getByLabel("Header", { exact: true }).fill("On a phone");
  await expect(frame.getByTestId("widget-header")).toContainText("On a phone");
  await expect(frame.getByTestId("widget-launcher")).toBeVisible();
});

test("the console theme toggles to dark and stays dark after a reload", async ({ page }) => {
  await signIn(page, "/chatbots");
  const toggle = page.getByTestId("theme-toggle");
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  await toggle.click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  expect(isDark(await background(page.locator("body")))).toBe(true);
  await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await toggle.click();
  await expect(page.locator("html")).not.toHaveClass(/dark/);
});

// One scan per page and theme: an axe scan of the edit page takes seconds on these 2-core
// machines, and five in one test once ran past the 30 s test timeout under load.
for (const theme of ["light", "dark"] as const) {
  for (const which of ["login", "list", "edit", "new", "embed"] as const) {
    test(`the ${which} page has no serious accessibility violations (${theme})`, async ({ page, request }) => {
      await page.addInitScript((t) => localStorage.setItem("chatdeck-theme", t), theme);
      let path = "/chatbots";
      if (which === "edit" || which === "embed") {
        const bot = await createChatbot(request, { name: `Accessible ${Date.now().toString(36)}` });
        path = which === "edit" ? `/chatbots/${bot.id}` : `/chatbots/${bot.id}/embed`;
      } else if (which === "new") {
        path = "/chatbots/new";
      }
      if (which === "login") {
        await page.goto("/login");
        await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
      } else {
        await signIn(page, path);
      }
      if (theme === "dark") await expect(page.locator("html")).toHaveClass(/dark/);
      else await expect(page.locator("html")).not.toHaveClass(/dark/);
      if (which === "edit") {
        await page.getByText("Voice agent", { exact: true }).click();
        await page.getByTestId("history").getByText("History", { exact: true }).click();
        await expect(page.getByTestId("history-row")).toHaveCount(1);
      }
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
}

test("on a phone the edit page fits the screen and every control is reachable by keyboard", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Pocket ${Date.now().toString(36)}` });
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, `/chatbots/${bot.id}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // Tab from the top reaches the Name field, then Save, without a mouse.
  const reached = new Set<string>();
  await page.locator("body").focus();
  for (let i = 0; i < 80 && !reached.has("Save changes"); i++) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return "";
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return (label ?? el.getAttribute("aria-label") ?? el.textContent ?? "").trim();
    });
    reached.add(name);
  }
  expect(reached).toContain("Name");
  expect(reached).toContain("Primary color");
  expect(reached).toContain("Save changes");
});

test("nothing moves when the pages hydrate (no layout shift)", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Steady ${Date.now().toString(36)}` });
  await signIn(page, "/chatbots");
  await page.addInitScript(() => {
    (window as any).__cls = 0;
    (window as any).__moved = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as any[]) {
        if (entry.hadRecentInput) continue;
        (window as any).__cls += entry.value;
        // What moved, and from where to where: a failure names its culprit.
        for (const source of entry.sources ?? []) {
          const node = source.node as Element | null;
          const name = node
            ? `${node.nodeName.toLowerCase()}${node.id ? "#" + node.id : ""}.${String(node.className).slice(0, 60)}`
            : "(gone)";
          const [from, to] = [source.previousRect, source.currentRect];
          (window as any).__moved.push(
            `${entry.value.toFixed(3)} at ${Math.round(entry.startTime)} ms: ${name} ` +
              `${from.x},${from.y} ${from.width}x${from.height} → ${to.x},${to.y} ${to.width}x${to.height}`,
          );
        }
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  for (const path of ["/chatbots", `/chatbots/${bot.id}`, "/chatbots/new"]) {
    await page.goto(path);
    await expect(page.locator("#console")).toHaveAttribute("data-hydrated", "true");
    await page.waitForTimeout(300);
    const [shift, moved] = await page.evaluate(() => [(window as any).__cls, (window as any).__moved]);
    expect(shift, `cumulative layout shift on ${path}:\n${moved.join("\n")}`).toBeLessThan(0.01);
  }
});

test("on a phone the preview opens over the form while typing, and closes again", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Handheld ${Date.now().toString(36)}` });
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, `/chatbots/${bot.id}`);
  const preview = page.getByTestId("widget-preview");
  const toggle = page.getByTestId("preview-toggle");
  await expect(preview).toBeHidden();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  // The save bar (and the toggle in it) stays in reach at the bottom of the screen.
  const bar = await toggle.boundingBox();
  expect(bar!.y + bar!.height).toBeLessThanOrEqual(800);
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(preview).toBeVisible();
  const header = page.getByLabel("Header", { exact: true });
  await header.fill("Typed on a phone");
  await expect(preview.getByTestId("widget-header-text")).toHaveText("Typed on a phone");
  await header.evaluate((el) => el.scrollIntoView({ block: "start" }));
  const field = await header.boundingBox();
  const sheet = await page.locator("#preview").boundingBox();
  expect(field!.y + field!.height, "the field typed into stays above the sheet").toBeLessThanOrEqual(sheet!.y);
  await toggle.click();
  await expect(preview).toBeHidden();
});

test("on a wide screen the save bar stays in view on a long form", async ({ page, request }) => {
  const bot = await createChatbot(request, { name: `Long ${Date.now().toString(36)}` });
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, `/chatbots/${bot.id}`);
  await page.getByLabel("Name", { exact: true }).fill("Changed at the top");
  const save = page.getByRole("button", { name: "Save changes" });
  const box = await save.boundingBox();
  expect(box!.y + box!.height).toBeLessThanOrEqual(720);
  await expect(page.getByTestId("unsaved")).toBeInViewport();
});
