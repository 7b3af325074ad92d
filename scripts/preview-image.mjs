#!/usr/bin/env node
// Makes www/preview.png, the Open Graph preview image of the gallery and the
// sample posts (1200 × 630, as link previews want it): a screenshot of the
// three-way handshake as the element draws it. Committed, so that the site's
// build needs no browser; run this again when the element's look changes.
//
//   scripts/build-site.sh && node scripts/preview-image.mjs

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../tests/e2e/server.mjs";
import { launch, newPage } from "../tests/e2e/browser.mjs";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(REPO, "dist", "embed.html"))) {
  console.error("dist/ is missing: run scripts/build-site.sh first");
  process.exit(1);
}
const site = await serve(join(REPO, "dist"));
const browser = await launch();
try {
  const page = await newPage(browser, { width: 1200, height: 630 });
  await page.goto(new URL("embed.html?scenario=three-way-handshake&controls=off&start=end&theme=light", site.url).href);
  await page.evaluate(async () => {
    const el = document.querySelector("synack-viz");
    await customElements.whenDefined("synack-viz");
    await el.ready;
    await el.seek(Infinity);
  });
  await page.waitForTimeout(300);
  const out = join(REPO, "www", "preview.png");
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1200, height: 630 } });
  if (page.errors.length) throw new Error(page.errors.join("\n"));
  await page.closeAll();
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await site.close();
}
