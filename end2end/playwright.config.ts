import { defineConfig, devices } from "@playwright/test";
import path from "node:path";

// Debian's Chromium, never a downloaded one: these machines reach package registries only.
const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  reporter: [
    ["list"],
    [
      "json",
      {
        outputFile:
          process.env.CHATDECK_E2E_REPORT ??
          path.join(__dirname, "test-results", "report.json"),
      },
    ],
  ],
  use: {
    baseURL: process.env.CHATDECK_BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: chromiumFlags,
        },
      },
    },
  ],
});
