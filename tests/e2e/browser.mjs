// Shared browser helper for the e2e tests and the benchmark: headless Chromium
// from Debian (/usr/bin/chromium) driven by playwright-core, which downloads no
// browser of its own. Each page records its console errors and uncaught
// exceptions so that a test can assert there were none.

import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "artifacts");

// As root Chromium needs --no-sandbox; on a closed network the rest stop it from
// stalling on refused connections (see ../shared/TOOLCHAIN.md). No
// --user-data-dir: playwright makes its own profile.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium. Close it with `await browser.close()`. */
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * A page in its own fresh context (no shared cache or storage), with
 * `page.errors`: every console error, uncaught exception, failed request and
 * HTTP error response, as readable strings.
 */
export async function newPage(browser, { width = 1200, height = 800, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      const loc = msg.location();
      errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ""}`);
    }
  });
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.stack ?? err.message ?? err}`));
  page.on("requestfailed", (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on("response", (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.errors = errors;
  page.closeAll = () => context.close();
  return page;
}

/** Saves a PNG of the page to tests/artifacts/NAME.png; returns its path. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
