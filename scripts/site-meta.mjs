#!/usr/bin/env node
// The parts of the built site (dist/) that must name its own address: sitemap.xml
// and the Open Graph tags' absolute URLs, and the 404 page's links. Everything
// else in dist/ is relative, so any host and sub-path serve it as it is.
//
//   node scripts/site-meta.mjs dist https://example.github.io/synack/
//
// The address (also $SYNACK_SITE_URL; scripts/build-site.sh passes it on)
// defaults to http://127.0.0.1:8000/, where scripts/serve.sh serves the site:
// set it to the site's public address when building for a host.
//   - sitemap.xml lists the site's pages (every *.html at the top, less 404.html
//     and embed.html, which is for iframes) at that address;
//   - og:url and og:image, written relative in www/ (Open Graph wants them
//     absolute), are made absolute;
//   - 404.html is served at any depth, where relative links would break: its
//     links and assets are made absolute from the address's path (/synack/…).

import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const DEFAULT_SITE_URL = "http://127.0.0.1:8000/";

/** The site's address as a URL ending in "/", or an Error saying what is wrong with it. */
export function siteUrl(text = DEFAULT_SITE_URL) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`the site's address must be an absolute URL such as https://example.github.io/synack/, not "${text}"`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new Error(`the site's address must be http or https, not ${url.protocol}`);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  url.search = "";
  url.hash = "";
  return url;
}

const escapeXml = (text) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** Writes sitemap.xml, the absolute Open Graph URLs and the 404 page's links into `dist` for `base`. */
export async function siteMeta(dist, base = siteUrl(process.env.SYNACK_SITE_URL || DEFAULT_SITE_URL)) {
  const names = (await readdir(dist)).filter((n) => n.endsWith(".html")).sort();
  const pages = names.filter((n) => n !== "404.html" && n !== "embed.html");
  const entries = [];
  for (const name of names) {
    const file = join(dist, name);
    let html = await readFile(file, "utf8");
    html = html.replace(/(<meta property="og:(?:url|image)" content=")([^"]*)(")/g, (_, a, rel, b) => a + escapeXml(new URL(rel, base).href) + b);
    if (name === "404.html") {
      // Path-absolute, so that /synack/no/such/page finds /synack/site.css.
      html = html.replace(/ (href|src)="(?![a-z]+:|\/|#)([^"]*)"/g, (_, attr, rel) => ` ${attr}="${new URL(rel, base).pathname}"`);
    }
    await writeFile(file, html);
    if (pages.includes(name)) {
      const loc = new URL(name === "index.html" ? "" : name, base).href;
      entries.push(`  <url><loc>${escapeXml(loc)}</loc></url>`);
    }
  }
  await writeFile(join(dist, "sitemap.xml"), `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join("\n")}\n</urlset>\n`);
  return { pages, base: base.href };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] || "dist";
  const address = process.argv[3] || process.env.SYNACK_SITE_URL || DEFAULT_SITE_URL;
  try {
    const { pages, base } = await siteMeta(dist, siteUrl(address));
    console.log(`  sitemap.xml: ${pages.length} pages at ${base}${base === DEFAULT_SITE_URL ? " (set SYNACK_SITE_URL to the site's public address)" : ""}`);
  } catch (err) {
    console.error(`site-meta: ${err.message}`);
    process.exit(2);
  }
}
