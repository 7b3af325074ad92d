// A real blog engine: a tiny Hexo site (npm `hexo`, in a temp folder, offline)
// with a Chinese post that embeds <synack-viz> as docs/embedding.md says, built
// with Hexo's own Node API, served, and checked in headless Chromium.
//
//   bash scripts/build-site.sh && node --test tests/e2e/hexo.test.mjs

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { launch, newPage, screenshot } from "./browser.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = process.env.SYNACK_DIST ?? join(HERE, "..", "..", "dist");
const Hexo = createRequire(import.meta.url)("hexo");

if (!existsSync(join(DIST, "synack", "synack.js"))) {
  throw new Error("dist/synack/synack.js is missing: run `bash scripts/build-site.sh` first");
}

const CONFIG = `title: 网络笔记
language: zh-CN
url: http://127.0.0.1
permalink: :year/:month/:day/:title/
theme: mini
# The element's files are served exactly as built: Hexo must not render them.
skip_render:
  - "synack/**"
`;

const POST = `---
title: 三次握手和四次挥手
date: 2024-03-01 10:00:00
---

建立连接之前，双方要先交换初始序号。一步一步看：

<script type="module" src="/synack/synack.js"></script>
<synack-viz scenario="three-way-handshake" numbers="absolute" controls></synack-viz>

断开连接时则需要四次挥手。
`;

const LAYOUT = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title><%= page.title %></title><link rel="icon" href="data:,"></head>
<body><%- body %></body>
</html>
`;

let dir;
let site;
let browser;

/** Every file under `root`, as paths relative to it. */
async function files(root, prefix = "") {
  const out = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await files(root, rel)));
    else out.push(rel);
  }
  return out;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "synack-hexo-"));
  await mkdir(join(dir, "source", "_posts"), { recursive: true });
  await mkdir(join(dir, "themes", "mini", "layout"), { recursive: true });
  await writeFile(join(dir, "_config.yml"), CONFIG);
  // Hexo loads the plugins a site's package.json names from its node_modules: the
  // repository's own, linked in (nothing is downloaded).
  const deps = { hexo: "*", "hexo-renderer-marked": "*", "hexo-renderer-ejs": "*" };
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "hexo-site", private: true, hexo: { version: "8.0.0" }, dependencies: deps }));
  await symlink(join(HERE, "..", "..", "node_modules"), join(dir, "node_modules"), "dir");
  await writeFile(join(dir, "source", "_posts", "tcp.md"), POST);
  await writeFile(join(dir, "themes", "mini", "layout", "layout.ejs"), LAYOUT);
  await writeFile(join(dir, "themes", "mini", "layout", "post.ejs"), "<article><h1><%= page.title %></h1><%- page.content %></article>\n");
  await writeFile(join(dir, "themes", "mini", "layout", "index.ejs"), "<p>index</p>\n");
  await cp(join(DIST, "synack"), join(dir, "source", "synack"), { recursive: true });
  const hexo = new Hexo(dir, { silent: true });
  await hexo.init();
  await hexo.call("generate", {});
  await hexo.exit();
  site = await serve(join(dir, "public"));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("a Hexo post embeds the element: it renders, speaks Chinese and steps", { timeout: 60_000 }, async () => {
  const public_ = join(dir, "public");
  const all = await files(public_);
  const post = all.find((f) => f.endsWith("index.html") && f.includes("2024"));
  assert.ok(post, `Hexo wrote the post: ${all.filter((f) => f.endsWith(".html"))}`);
  const html = await readFile(join(public_, post), "utf8");
  assert.match(html, /<synack-viz scenario="three-way-handshake" numbers="absolute" controls><\/synack-viz>/, "the tag survives Markdown");
  const built = await readFile(join(DIST, "synack", "synack.js"), "utf8");
  assert.equal(await readFile(join(public_, "synack", "synack.js"), "utf8"), built, "skip_render: the script is copied untouched");

  const page = await newPage(browser, { width: 900, height: 900 });
  try {
    await page.goto(new URL(post.split("\\").join("/"), site.url).href, { waitUntil: "load" });
    const ready = await page.evaluate(async () => {
      await customElements.whenDefined("synack-viz");
      return document.querySelector("synack-viz").ready;
    });
    assert.equal(ready, true);
    const shown = await page.evaluate(async () => {
      const el = document.querySelector("synack-viz");
      await el.step();
      await el.step();
      const root = el.shadowRoot;
      return {
        title: root.querySelector(".title span").textContent,
        segments: [...root.querySelectorAll("g.segment")].map((g) => g.dataset.flags),
        client: root.querySelector('[data-side="client"]').dataset.state,
        narration: root.querySelector(".narration").textContent,
      };
    });
    assert.equal(shown.title, "三次握手");
    assert.deepEqual(shown.segments, ["SYN"]);
    assert.equal(shown.client, "SYN-SENT");
    assert.match(shown.narration, /客户端发送 SYN #1/);
    await page.waitForTimeout(500);
    await screenshot(page, "hexo-post");
    assert.deepEqual(page.errors, []);
  } finally {
    await page.closeAll();
  }
});
