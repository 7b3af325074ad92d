// The project's own site (dist/) is deployable as it is (issue 14): every page's
// relative links and assets resolve inside dist/, and it has a 404 page, a
// sitemap.xml, and Open Graph tags with a preview image on the gallery and the
// sample posts. No browser needed.
//
//   bash scripts/build-site.sh && node --test tests/e2e/site.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SITE_URL, siteMeta, siteUrl } from "../../scripts/site-meta.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const DIST = process.env.SYNACK_DIST ?? join(ROOT, "dist");

if (!existsSync(join(DIST, "synack", "synack.js"))) {
  throw new Error("dist/synack/synack.js is missing: run `bash scripts/build-site.sh` first");
}

/** Every file under `root`, relative to it, with "/" separators. */
async function files(root, prefix = "") {
  const out = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await files(root, rel)));
    else out.push(rel);
  }
  return out;
}

const SHARED = ["index.html", "post.html", "post-zh.html"];
const meta = (html, property) => new RegExp(`<meta (?:property|name)="${property}" content="([^"]*)">`).exec(html)?.[1];

test("every relative link and asset of every page in dist/ resolves to a file", async () => {
  const all = await files(DIST);
  const present = new Set(all);
  const base = siteUrl(process.env.SYNACK_SITE_URL || DEFAULT_SITE_URL);
  const missing = [];
  let checked = 0;
  for (const page of all.filter((f) => /\.(html|css)$/.test(f))) {
    const text = await readFile(join(DIST, page), "utf8");
    const refs = page.endsWith(".css")
      ? [...text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1])
      : [...text.matchAll(/ (?:href|src|data-sample)="([^"]*)"/g)].map((m) => m[1]);
    for (const ref of refs) {
      if (/^(data:|blob:|mailto:|https?:|#)/.test(ref) || ref === "") continue;
      // The 404 page is served at any depth: its links start at the site's path.
      const url = new URL(ref, new URL(page, base));
      if (ref.startsWith("/") && !url.pathname.startsWith(base.pathname)) {
        missing.push(`${page}: ${ref} (outside the site's path ${base.pathname})`);
        continue;
      }
      let rel = decodeURIComponent(url.pathname.slice(base.pathname.length));
      if (rel === "" || rel.endsWith("/")) rel += "index.html";
      checked++;
      if (!present.has(rel)) missing.push(`${page}: ${ref}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(checked > 20, `only ${checked} links checked`);
});

test("the pages use no site-absolute URL except the 404 page, which needs them", async () => {
  for (const page of (await files(DIST)).filter((f) => f.endsWith(".html") && f !== "404.html")) {
    const text = await readFile(join(DIST, page), "utf8");
    assert.deepEqual([...text.matchAll(/ (?:href|src)="(\/[^"]*)"/g)].map((m) => m[1]), [], page);
  }
});

test("a 404 page, a sitemap of the pages, Open Graph tags and a 1200 × 630 preview image", async () => {
  const base = siteUrl(process.env.SYNACK_SITE_URL || DEFAULT_SITE_URL).href;
  const notFound = await readFile(join(DIST, "404.html"), "utf8");
  assert.match(notFound, /<title>Not found/);
  assert.match(notFound, /<meta name="robots" content="noindex">/);
  const sitemap = await readFile(join(DIST, "sitemap.xml"), "utf8");
  assert.match(sitemap, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
  const locs = [...sitemap.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]).sort();
  assert.deepEqual(locs, [base, `${base}post-zh.html`, `${base}post.html`]);

  const png = await readFile(join(DIST, "preview.png"));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG");
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630], "its size, from the IHDR chunk");
  assert.ok(png.length < 200_000, `preview.png is ${png.length} bytes`);

  for (const page of SHARED) {
    const html = await readFile(join(DIST, page), "utf8");
    const title = /<title>([^<]*)<\/title>/.exec(html)[1];
    assert.ok(meta(html, "og:title") && title.includes(meta(html, "og:title").slice(0, 4)), `${page}: og:title`);
    for (const p of ["description", "og:description", "og:type", "og:site_name", "og:locale", "og:image:alt", "twitter:card"]) {
      assert.ok(meta(html, p), `${page}: ${p}`);
    }
    assert.equal(meta(html, "og:image"), `${base}preview.png`, `${page}: og:image is absolute`);
    assert.equal(meta(html, "og:url"), page === "index.html" ? base : `${base}${page}`, `${page}: og:url`);
  }
});

test("scripts/site-meta.mjs writes another address into a copy of the pages", async () => {
  const dir = await mkdtemp(join(tmpdir(), "synack-site-"));
  try {
    const copy = join(dir, "site");
    await cp(join(ROOT, "www"), copy, { recursive: true });
    const { pages } = await siteMeta(copy, siteUrl("https://example.github.io/synack"));
    assert.deepEqual(pages, SHARED.slice().sort());
    const post = await readFile(join(copy, "post.html"), "utf8");
    assert.equal(meta(post, "og:url"), "https://example.github.io/synack/post.html");
    assert.equal(meta(post, "og:image"), "https://example.github.io/synack/preview.png");
    assert.match(await readFile(join(copy, "sitemap.xml"), "utf8"), /<loc>https:\/\/example.github.io\/synack\/<\/loc>/);
    const notFound = await readFile(join(copy, "404.html"), "utf8");
    assert.match(notFound, /href="\/synack\/site.css"/);
    assert.match(notFound, /href="\/synack\/post.html"/);
    assert.throws(() => siteUrl("example.org"), /absolute URL/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
