// The npm packages as a user gets them (issue 14): the tarballs of
// scripts/package.sh installed with `npm install ./….tgz` into a Hexo site made
// by `hexo init` (hexo-cli from the npm registry) and into a bare markdown-it
// project, built, and checked in headless Chromium with JavaScript off (the
// prerendered figure) and on (the element takes over).
//
//   bash scripts/build-site.sh && node --test tests/e2e/packages.test.mjs   (runs scripts/package.sh)
//
// The Hexo starter and its npm packages are installed once into
// node_modules/.cache/synack-packages/ and reused; each run copies that site and
// installs the current tarballs into the copy.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { launch, newPage, screenshot } from "./browser.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const PACKAGES = join(ROOT, "target", "packages");
const CACHE = join(ROOT, "node_modules", ".cache", "synack-packages");
const HEXO_CLI = "hexo-cli@4.3.2";
const tarball = (name) => join(PACKAGES, `${name}-0.1.0.tgz`);

const run = promisify(execFile);

if (!existsSync(join(ROOT, "dist", "synack", "synack.js"))) {
  throw new Error("dist/synack/synack.js is missing: run `bash scripts/build-site.sh` first");
}
// Packed afresh (two seconds), so that the tarballs hold the sources as they are now.
await run("bash", [join(ROOT, "scripts", "package.sh")]);
const npm = (args, cwd) => run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, maxBuffer: 64 << 20 });

/** A Hexo site as `hexo init` makes it, with the starter's packages installed: made once, then reused. */
async function hexoStarter() {
  const dir = join(CACHE, "hexo-site");
  if (existsSync(join(dir, "node_modules", "hexo", "package.json"))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(CACHE, { recursive: true });
  await run("npx", ["--yes", HEXO_CLI, "init", dir, "--no-clone", "--no-install"], { maxBuffer: 16 << 20 });
  await npm(["install"], dir);
  return dir;
}

const CONFIG_EXTRA = `
synack:
  width: 640
`;

const TAG_POST = `---
title: 三次握手和四次挥手
date: 2024-03-01 10:00:00
---

建立连接之前，双方要先交换初始序号。一步一步看：

{% synack three-way-handshake %}

为什么不是两次握手？一个迟到的旧 SYN 会让服务器白白建立连接：

{% synack old-duplicate-syn compare %}
`;

const FENCE_POST = `---
title: 四次挥手
date: 2024-03-02 10:00:00
---

断开连接需要四次挥手：

\`\`\`synack
scenario: four-way-teardown
numbers: absolute
\`\`\`

这是普通的代码块：

\`\`\`js
console.log("synack");
\`\`\`
`;

const PLAIN_POST = `---
title: 没有图的文章
date: 2024-03-03 10:00:00
---

这篇文章只有文字。
`;

let work;
let site; // the Hexo site's folder
let md; // the markdown-it project's folder
let server;
let browser;

before(async () => {
  work = await mkdtemp(join(tmpdir(), "synack-packages-"));
  site = join(work, "hexo");
  await cp(await hexoStarter(), site, { recursive: true });
  await npm(["install", tarball("synack-viz"), tarball("hexo-synack")], site);
  const config = await readFile(join(site, "_config.yml"), "utf8");
  await writeFile(join(site, "_config.yml"), config.replace(/^language: .*$/m, "language: zh-CN") + CONFIG_EXTRA);
  const posts = join(site, "source", "_posts");
  await rm(posts, { recursive: true, force: true });
  await mkdir(posts, { recursive: true });
  await writeFile(join(posts, "tcp.md"), TAG_POST);
  await writeFile(join(posts, "teardown.md"), FENCE_POST);
  await writeFile(join(posts, "plain.md"), PLAIN_POST);
  await run(join(site, "node_modules", ".bin", "hexo"), ["generate"], { cwd: site });

  md = join(work, "markdown-it");
  await mkdir(md);
  await writeFile(join(md, "package.json"), JSON.stringify({ name: "md-site", private: true, type: "module" }));
  await npm(["install", "markdown-it@^14", tarball("synack-viz"), tarball("markdown-it-synack")], md);

  server = await serve(join(site, "public"), { "/md/": join(md, "out"), "/md/synack/": join(md, "node_modules", "synack-viz") });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const html = (rel) => readFile(join(site, "public", rel), "utf8");

/**
 * The page's errors, less the two the Hexo starter's theme (landscape) brings to
 * every page on this closed network: its icon font from a CDN and a favicon it
 * links but does not ship. Neither is the element's.
 */
const ours = (errors) => errors.filter((e) => !/cdn\.jsdelivr\.net\/npm\/fork-awesome|\/favicon\.png/.test(e));

test("hexo generate puts the element, its figure and its files into the site", async () => {
  const tcp = await html("2024/03/01/tcp/index.html");
  const figures = tcp.match(/<synack-viz[^>]*>/g);
  assert.deepEqual(figures, [
    '<synack-viz scenario="three-way-handshake" lang="zh-CN" controls>',
    '<synack-viz scenario="old-duplicate-syn" compare lang="zh-CN" controls>',
  ]);
  // The figure is in the HTML twice: the element's first draw in a declarative
  // shadow root (the placeholder), and a standalone SVG for feed readers; with
  // the title, the segments' labels and the states.
  assert.match(tcp, /<synack-viz scenario="three-way-handshake"[^>]*><div class="synack-prerender"><template shadowrootmode="open"><style>[^]*?<\/style><div [^>]*class="frame"[^>]*>[\s\S]*?<div inert [^>]*class="playback"[\s\S]*?<\/template><\/div><svg [^>]*class="synack-static"[^>]*role="img">\s*<title>三次握手<\/title>/);
  for (const text of ["#1", "SYN", "SYN,ACK", "ESTABLISHED", "客户端"]) assert.ok(tcp.includes(text), `the prerendered figure shows ${text}`);
  // The page's description is the post's text, not the figure's.
  assert.match(tcp, /<meta name="description" content="建立连接之前，双方要先交换初始序号。一步一步看： 为什么不是两次握手？/);
  const scripts = tcp.match(/<script type="module"[^>]*>/g);
  assert.deepEqual(scripts, ['<script type="module" src="/synack/synack.js" data-synack-script>'], "one module script, in the head");
  assert.ok(tcp.indexOf("data-synack-script") < tcp.indexOf("</head>"));

  const teardown = await html("2024/03/02/teardown/index.html");
  assert.match(teardown, /<synack-viz scenario="four-way-teardown" numbers="absolute" lang="zh-CN" controls><div class="synack-prerender"><template shadowrootmode="open">/, "the fence became the element");
  assert.match(teardown, /四次挥手/);
  assert.match(teardown, /console/, "other fences stay code");
  assert.doesNotMatch(teardown, /```synack|scenario: four-way-teardown/);

  const plain = await html("2024/03/03/plain/index.html");
  assert.doesNotMatch(plain, /synack/, "a page without a figure gets no script");

  const installed = join(site, "node_modules", "synack-viz");
  assert.equal(await html("synack/synack.js"), await readFile(join(installed, "synack.js"), "utf8"), "synack.js is copied untouched");
  const wasm = await readFile(join(site, "public", "synack", "pkg", "synack_wasm_bg.wasm"));
  assert.deepEqual([...wasm.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  const shipped = await readdir(join(site, "public", "synack"));
  assert.ok(!shipped.includes("node") && !shipped.includes("package.json"), `only the browser's files: ${shipped}`);
});

/** The element on a page: its box, and which of its placeholder and its static figure shows. */
function looks(page, index = 0) {
  return page.evaluate((i) => {
    const el = document.querySelectorAll("synack-viz")[i];
    const box = (node) => {
      const r = node?.getBoundingClientRect();
      return r ? { width: r.width, height: r.height } : null;
    };
    const placeholder = el.querySelector(".synack-prerender");
    const root = placeholder.shadowRoot;
    const shown = (selector) => [...(root?.querySelectorAll(selector) ?? [])].some((n) => n.getBoundingClientRect().height > 0);
    return {
      width: el.getBoundingClientRect().width,
      placeholder: box(placeholder),
      figure: box(el.querySelector("svg.synack-static")),
      upgraded: !!el.shadowRoot,
      bars: shown(".playback") || shown(".controls") || shown(".share"),
      texts: [...(root?.querySelectorAll("svg.diagram text, .narration, .outcome, .title") ?? [])].filter((n) => n.getClientRects().length).map((n) => n.textContent),
    };
  }, index);
}

test("with JavaScript off, the reader sees the whole diagram with its labels", { timeout: 60_000 }, async () => {
  for (const width of [760, 360]) {
    const page = await newPage(browser, { width, height: 900, javaScriptEnabled: false });
    try {
      await page.goto(new URL("2024/03/01/tcp/", server.url).href);
      const shown = await looks(page);
      assert.equal(shown.upgraded, false);
      // The element's own first draw, from its declarative shadow root, as wide as
      // the column; without the buttons, which would do nothing.
      assert.ok(Math.abs(shown.placeholder.width - shown.width) < 1, `the figure fills the column: ${JSON.stringify(shown)}`);
      assert.equal(shown.bars, false, "no playback or settings bar without scripts");
      assert.equal(shown.figure.height, 0, "the standalone figure is for feed readers only");
      // Labels are real text, in the page: selectable, indexable, printable.
      for (const text of ["SYN,ACK", "ESTABLISHED", "三次握手"]) assert.ok(shown.texts.some((t) => t.includes(text)), `${text} in ${shown.texts.join(" | ")}`);
      const colour = await page.evaluate(() => getComputedStyle(document.querySelector(".synack-prerender").shadowRoot.querySelector("svg.diagram g.segment line")).stroke);
      assert.equal(colour, "rgb(59, 91, 219)", "the figure's own styles apply: the client's segments are blue");
      await screenshot(page, `hexo-nojs-${width}`);
      assert.deepEqual(ours(page.errors), []);
    } finally {
      await page.closeAll();
    }
  }
});

test("where declarative shadow roots are not attached (a feed reader's HTML), the standalone figure shows", { timeout: 60_000 }, async () => {
  const page = await newPage(browser, { width: 760, height: 900, javaScriptEnabled: false });
  try {
    // innerHTML does not attach declarative shadow roots, as a feed reader does not.
    const markup = (await html("2024/03/01/tcp/index.html")).match(/<synack-viz[\s\S]*?<\/synack-viz>/)[0];
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"></head><body><div id="feed"></div></body></html>`);
    await page.evaluate((m) => (document.getElementById("feed").innerHTML = m), markup);
    const shown = await looks(page);
    assert.equal(shown.placeholder.height, 0, JSON.stringify(shown));
    assert.ok(Math.abs(shown.figure.width - Math.max(shown.width, 480)) < 1, `the figure fills the column: ${JSON.stringify(shown)}`);
    assert.ok(Math.abs(shown.figure.height / shown.figure.width - 456 / 640) < 0.02, `the figure keeps its proportions: ${JSON.stringify(shown)}`);
    const labels = await page.evaluate(() => [...document.querySelector("svg.synack-static").querySelectorAll("text")].map((t) => t.textContent));
    assert.ok(labels.some((t) => t.includes("SYN,ACK")), labels.join(" | "));
  } finally {
    await page.closeAll();
  }
});

test("with JavaScript, the element takes over in place and plays, in Chinese", { timeout: 90_000 }, async () => {
  for (const width of [1200, 760, 360]) {
    const page = await newPage(browser, { width, height: 900 });
    try {
      await page.goto(new URL("2024/03/01/tcp/", server.url).href, { waitUntil: "load" });
      const state = await page.evaluate(async () => {
        await customElements.whenDefined("synack-viz");
        const [first, second] = document.querySelectorAll("synack-viz");
        const ready = [await first.ready, await second.ready];
        const root = first.shadowRoot;
        // It takes over where the figure was, at the end, not at an empty step 0.
        const atLoad = [...root.querySelectorAll("g.segment")].map((g) => g.dataset.flags);
        await first.seek(2);
        return {
          ready,
          atLoad,
          title: root.querySelector(".title span").textContent,
          segments: [...root.querySelectorAll("g.segment")].map((g) => g.dataset.flags),
          client: root.querySelector('[data-side="client"]').dataset.state,
          panels: second.shadowRoot.querySelectorAll(".panel").length,
          controls: !root.querySelector(".controls").hidden,
          // The prerendered figure is still in the page, but no longer shown.
          fallback: first.querySelector("svg.synack-static").getBoundingClientRect().height + first.querySelector(".synack-prerender").getBoundingClientRect().height,
        };
      });
      assert.deepEqual(state.ready, [true, true]);
      assert.deepEqual(state.atLoad, ["SYN", "SYN,ACK", "ACK"]);
      assert.equal(state.title, "三次握手");
      assert.deepEqual(state.segments, ["SYN"]);
      assert.equal(state.client, "SYN-SENT");
      assert.equal(state.panels, 2, "compare draws two diagrams");
      assert.ok(state.controls, "the plugin turns the controls on");
      assert.equal(state.fallback, 0);
      await page.waitForTimeout(300);
      await screenshot(page, `hexo-post-${width}`);
      assert.deepEqual(ours(page.errors), []);
    } finally {
      await page.closeAll();
    }
  }
});

test("the fenced block becomes an element that steps", { timeout: 60_000 }, async () => {
  const page = await newPage(browser, { width: 900, height: 900 });
  try {
    await page.goto(new URL("2024/03/02/teardown/", server.url).href, { waitUntil: "load" });
    const shown = await page.evaluate(async () => {
      const el = document.querySelector("synack-viz");
      await customElements.whenDefined("synack-viz");
      await el.ready;
      await el.seek(Infinity);
      const segs = [...el.shadowRoot.querySelectorAll("g.segment")];
      return { flags: segs.map((g) => g.dataset.flags), seq: segs[0]?.dataset.seq, label: el.shadowRoot.querySelector(".seglabel text")?.textContent };
    });
    assert.ok(shown.flags.includes("FIN,ACK"), shown.flags.join(" "));
    assert.match(shown.label, new RegExp(`seq=${shown.seq}`), "numbers: absolute reached the element");
    assert.deepEqual(ours(page.errors), []);
  } finally {
    await page.closeAll();
  }
});

test("a bad tag or fence stops hexo generate with a message naming the post", { timeout: 60_000 }, async () => {
  const posts = join(site, "source", "_posts");
  const cases = [
    ["typo.md", "{% synack three-way-handshak %}", /synack: scenario="three-way-handshak" .*three-way-handshake.*source\/_posts\/typo\.md/],
    ["attr.md", "```synack\nscenario: syn-lost\nsed: 4\n```", /unknown attribute "sed" in the ```synack block in source\/_posts\/attr\.md/],
    ["isn.md", "{% synack syn-lost isn-client=-1 %}", /isn-client="-1" .*source\/_posts\/isn\.md/],
  ];
  for (const [file, body, message] of cases) {
    await writeFile(join(posts, file), `---\ntitle: bad\n---\n${body}\n`);
    try {
      const result = await run(join(site, "node_modules", ".bin", "hexo"), ["generate"], { cwd: site }).then(() => null, (err) => err);
      assert.ok(result, `hexo generate failed on ${file}`);
      assert.match(result.stdout + result.stderr, message);
    } finally {
      await rm(join(posts, file));
    }
  }
});

test("markdown-it: a ```synack fence renders the element with its figure, and plays", { timeout: 60_000 }, async () => {
  const script = `
import MarkdownIt from "markdown-it";
import synack from "markdown-it-synack";
import { mkdirSync, writeFileSync } from "node:fs";
const md = new MarkdownIt().use(synack, { script: "/md/synack/synack.js" });
const body = md.render("# Opening\\n\\n\`\`\`synack\\nscenario: syn-lost\\nseed: 7\\n\`\`\`\\n\\n\`\`\`synack\\nthree-way-handshake\\ncontrols: false\\n\`\`\`\\n");
mkdirSync("out", { recursive: true });
writeFileSync("out/index.html", \`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>md</title></head><body>\${body}</body></html>\`);
try { md.render("\`\`\`synack\\nscenario: syn-lost\\nhandshake: five-way\\n\`\`\`\\n"); } catch (err) { console.log(err.message); }
`;
  await writeFile(join(md, "build.mjs"), script);
  const { stdout } = await run("node", ["build.mjs"], { cwd: md, timeout: 30_000 });
  assert.match(stdout, /handshake="five-way" must be two-way, three-way or four-way \(the synack block at line 1\)/);
  const out = await readFile(join(md, "out", "index.html"), "utf8");
  assert.equal(out.match(/<script type="module"/g).length, 1, "one script for the document");
  assert.match(out, /<synack-viz scenario="syn-lost" seed="7" controls><div class="synack-prerender"><template shadowrootmode="open">/);
  assert.match(out, /<synack-viz scenario="three-way-handshake"><div class="synack-prerender"><template shadowrootmode="open">/);

  const page = await newPage(browser, { width: 900, height: 900 });
  try {
    await page.goto(new URL("md/", server.url).href, { waitUntil: "load" });
    const shown = await page.evaluate(async () => {
      await customElements.whenDefined("synack-viz");
      const el = document.querySelector("synack-viz");
      await el.ready;
      await el.seek(Infinity);
      return [...el.shadowRoot.querySelectorAll("g.segment")].map((g) => (g.dataset.retransmission ? `${g.dataset.flags}(again)` : g.dataset.flags));
    });
    assert.deepEqual(shown.slice(0, 2), ["SYN", "SYN(again)"], "syn-lost: the SYN is sent again");
    assert.deepEqual(ours(page.errors), []);
  } finally {
    await page.closeAll();
  }
});

/**
 * A page of text with three figures (one diagram with controls, a comparison,
 * one without controls), written by markdown-it-synack into the markdown-it
 * project's out/shift.html.
 */
async function shiftPage() {
  const para = "TCP opens a connection with three segments and closes it with four. ".repeat(6);
  const fence = (body) => `\`\`\`synack\n${body}\n\`\`\``;
  const source = ["# Layout shift", para, fence("scenario: three-way-handshake"), para, fence("scenario: old-duplicate-syn\ncompare: two-way"), para, fence("scenario: full-lifecycle\ncontrols: false"), para].join("\n\n");
  await writeFile(join(md, "shift.md"), source);
  await writeFile(join(md, "shift.mjs"), `
import MarkdownIt from "markdown-it";
import synack from "markdown-it-synack";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
const md = new MarkdownIt().use(synack, { script: "/md/synack/synack.js" });
const head = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>shift</title>';
const style = "<style>body { max-width: 46rem; margin: 0 auto; padding: 0 1rem; font: 17px/1.6 Georgia, serif; }</style>";
mkdirSync("out", { recursive: true });
writeFileSync("out/shift.html", "<!doctype html><html lang=\\"en\\"><head>" + head + style + "</head><body>" + md.render(readFileSync("shift.md", "utf8")) + "</body></html>");
`);
  await run("node", ["shift.mjs"], { cwd: md, timeout: 60_000 });
}

test("the element takes over its prerendered figure without moving anything (1200, 760 and 360 px)", { timeout: 120_000 }, async () => {
  await shiftPage();
  const url = new URL("md/shift.html", server.url).href;
  const heights = (page) => page.evaluate(() => [...document.querySelectorAll("synack-viz")].map((e) => e.getBoundingClientRect().height));
  for (const width of [1200, 760, 360]) {
    // Before: scripts run, but synack.js never arrives, so the placeholder stays.
    const still = await newPage(browser, { width, height: 900 });
    let before;
    try {
      await still.route("**/synack/synack.js", (route) => route.abort());
      await still.goto(url, { waitUntil: "load" });
      before = await heights(still);
      await screenshot(still, `prerender-before-${width}`, { fullPage: false });
    } finally {
      await still.closeAll();
    }
    const page = await newPage(browser, { width, height: 900 });
    try {
      await page.addInitScript(() => {
        window.__shift = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
        }).observe({ type: "layout-shift", buffered: true });
      });
      await page.goto(url, { waitUntil: "load" });
      const ready = await page.evaluate(async () => {
        await customElements.whenDefined("synack-viz");
        return Promise.all([...document.querySelectorAll("synack-viz")].map((e) => e.ready));
      });
      assert.deepEqual(ready, [true, true, true]);
      await page.waitForTimeout(300);
      const after = await heights(page);
      const upgraded = await page.evaluate(() => [...document.querySelectorAll("synack-viz")].map((e) => !!e.shadowRoot.querySelector(".frame")));
      assert.deepEqual(upgraded, [true, true, true], "each element draws its own diagram");
      before.forEach((h, i) => assert.ok(Math.abs(h - after[i]) <= 3, `figure ${i + 1} at ${width} px: ${h} px before, ${after[i]} px after`));
      const shift = await page.evaluate(() => window.__shift);
      assert.ok(shift < 0.01, `cumulative layout shift ${shift} at ${width} px`);
      await screenshot(page, `prerender-after-${width}`, { fullPage: false });
      assert.deepEqual(ours(page.errors), []);
    } finally {
      await page.closeAll();
    }
  }
});

/** The body of the first ```LANG block after `marker` in docs/embedding.md. */
async function snippet(marker, lang) {
  const doc = await readFile(join(ROOT, "docs", "embedding.md"), "utf8");
  const at = doc.indexOf(marker);
  assert.ok(at >= 0, `docs/embedding.md has ${marker}`);
  const block = new RegExp(`^(\`{3,})${lang}\n([\\s\\S]*?)\n\\1$`, "m").exec(doc.slice(at));
  assert.ok(block, `a ${lang} block after ${marker}`);
  return block[2];
}

/** Plays every element of a page in Chromium; `routes` maps URL globs to folders. */
async function plays(url, routes = {}) {
  const page = await newPage(browser, { width: 900, height: 900 });
  try {
    for (const [glob, folder] of Object.entries(routes)) {
      const prefix = glob.replace(/\*\*$/, "");
      await page.route(glob, (route) => {
        const rel = decodeURIComponent(new URL(route.request().url()).href.slice(prefix.length));
        // As a CDN answers: the type by extension, and CORS for module scripts and fetch().
        const type = rel.endsWith(".wasm") ? "application/wasm" : "text/javascript; charset=utf-8";
        return route.fulfill({ path: join(folder, rel), headers: { "content-type": type, "access-control-allow-origin": "*" } });
      });
    }
    await page.goto(url, { waitUntil: "load" });
    const ready = await page.evaluate(async () => {
      await customElements.whenDefined("synack-viz");
      return Promise.all([...document.querySelectorAll("synack-viz")].map((e) => e.ready));
    });
    assert.ok(ready.length > 0 && ready.every((r) => r === true), `${url}: ${ready}`);
    assert.deepEqual(ours(page.errors), []);
  } finally {
    await page.closeAll();
  }
}

test("docs/embedding.md: each way in works as it is written there", { timeout: 120_000 }, async () => {
  // Hexo: the post of the docs, as it is.
  const post = join(site, "source", "_posts", "docs.md");
  await writeFile(post, `---\ntitle: docs\ndate: 2024-03-04 10:00:00\n---\n\n${await snippet("**Hexo**", "markdown")}\n`);
  try {
    await run(join(site, "node_modules", ".bin", "hexo"), ["generate"], { cwd: site });
  } finally {
    await rm(post);
  }
  const hexoPage = await html("2024/03/04/docs/index.html");
  assert.deepEqual(hexoPage.match(/<synack-viz[^>]*><div class="synack-prerender">/g)?.map((t) => t.replace(/><div.*/, ">")), [
    '<synack-viz scenario="three-way-handshake" lang="zh-CN" controls>',
    '<synack-viz scenario="old-duplicate-syn" compare lang="zh-CN" controls>',
    '<synack-viz scenario="four-way-teardown" numbers="absolute" lang="zh-CN" controls>',
  ]);
  await plays(new URL("2024/03/04/docs/", server.url).href);

  // markdown-it: the docs' setup code and fence, the page served beside the Hexo site's synack/.
  const setup = await snippet("**A Markdown fence**", "js");
  const fence = await snippet("and a block with one attribute a line", "markdown");
  await writeFile(join(md, "docs-fence.md"), fence);
  await writeFile(join(md, "docs-fence.mjs"), `${setup}
import { readFileSync, writeFileSync } from "node:fs";
writeFileSync("out/docs.html", '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>docs</title></head><body>' + md.render(readFileSync("docs-fence.md", "utf8")) + "</body></html>");
`);
  await mkdir(join(md, "out"), { recursive: true });
  await run("node", ["docs-fence.mjs"], { cwd: md, timeout: 60_000 });
  const fenced = await readFile(join(md, "out", "docs.html"), "utf8");
  assert.match(fenced, /<script type="module" src="\/synack\/synack.js"><\/script>\n<synack-viz scenario="old-duplicate-syn" compare="two-way" lang="zh-CN" controls><div class="synack-prerender">/);
  await plays(new URL("md/docs.html", server.url).href);

  // A CDN: the docs' two lines, with the CDN's address answered from the installed package.
  await writeFile(join(md, "out", "cdn.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>cdn</title></head><body>${await snippet("**A script and a tag from a CDN**", "html")}</body></html>`);
  await plays(new URL("md/cdn.html", server.url).href, { "https://cdn.jsdelivr.net/npm/synack-viz@0.1/**": join(md, "node_modules", "synack-viz") });
});

/**
 * The Hugo shortcode and the Jekyll include (integrations/), in a tiny site
 * built by each generator: the element, its script once per page, an <img>
 * figure, and a figure made by `npx synack-viz render --html` (the placeholder
 * and the static SVG). Hugo and Jekyll come from Debian (scripts/lib.sh,
 * need_site_generators); where one is missing the test says so and is skipped,
 * or fails under CI=true.
 */
async function generator(t, name) {
  const found = await run("sh", ["-c", `command -v ${name}`]).then(() => true, () => false);
  if (found) return true;
  if (process.env.CI === "true") assert.fail(`${name} is not installed (scripts/test.sh installs it: apt-get install ${name})`);
  t.skip(`SKIPPED: ${name} is not installed (apt-get install ${name}; scripts/test.sh does)`);
  return false;
}

/** The element as `npx synack-viz render … --html` writes it, from the installed package. */
async function renderHtml(args) {
  const { stdout } = await run("npx", ["--no-install", "synack-viz", "render", ...args, "--html"], { cwd: md, timeout: 60_000 });
  return stdout;
}

/** Checks a generated page: one script, the <img> figure, the prerendered element; then plays it in Chromium. */
async function checkGenerated(root, page, script) {
  const out = await readFile(join(root, page), "utf8");
  assert.equal(out.match(/<script type="module"[^>]*>/g)?.join(), `<script type="module" src="${script}">`, "one module script per page");
  // (kramdown writes the HTML back normalised: controls="" and <img … />.)
  assert.match(out, /<synack-viz scenario="four-way-teardown"[^>]* controls(="")?><img src="[^"]*figures\/four-way-teardown.svg" alt="four-way-teardown" width="640" loading="lazy" ?\/?><\/synack-viz>/);
  assert.match(out, /<synack-viz scenario="syn-lost"[^>]*><div class="synack-prerender"><template shadowrootmode="open"><style>/, "the prerendered element, as written");
  assert.match(out, /<\/template><\/div><svg [^>]*class="synack-static"/, "with its static figure");
  const site = await serve(root);
  const tab = await newPage(browser, { width: 900, height: 900 });
  try {
    await tab.goto(new URL(page, site.url).href, { waitUntil: "load" });
    const ready = await tab.evaluate(async () => {
      await customElements.whenDefined("synack-viz");
      return Promise.all([...document.querySelectorAll("synack-viz")].map((e) => e.ready));
    });
    assert.deepEqual(ready, [true, true]);
    assert.deepEqual(tab.errors, []);
  } finally {
    await tab.closeAll();
    await site.close();
  }
}

test("Hugo: the shortcode writes the element, its script and a prerendered figure", { timeout: 120_000 }, async (t) => {
  if (!(await generator(t, "hugo"))) return;
  const dir = join(work, "hugo");
  await mkdir(join(dir, "content", "posts"), { recursive: true });
  await mkdir(join(dir, "layouts", "_default"), { recursive: true });
  await cp(join(ROOT, "integrations", "hugo", "layouts"), join(dir, "layouts"), { recursive: true });
  await cp(join(md, "node_modules", "synack-viz"), join(dir, "static", "synack"), { recursive: true, filter: (f) => !/[/\\](node|node_modules)$/.test(f) });
  await mkdir(join(dir, "static", "figures"), { recursive: true });
  await writeFile(join(dir, "static", "figures", "four-way-teardown.svg"), (await run("npx", ["--no-install", "synack-viz", "render", "four-way-teardown"], { cwd: md })).stdout);
  await mkdir(join(dir, "synack-figures"));
  await writeFile(join(dir, "synack-figures", "syn-lost.html"), await renderHtml(["syn-lost", "--seed", "7"]));
  await writeFile(join(dir, "hugo.toml"), 'baseURL = "http://127.0.0.1/"\ntitle = "TCP notes"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n');
  await writeFile(join(dir, "layouts", "_default", "single.html"), '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{{ .Title }}</title></head><body>{{ .Content }}</body></html>\n');
  await writeFile(join(dir, "layouts", "_default", "list.html"), "<!doctype html><title>{{ .Title }}</title>\n");
  await writeFile(join(dir, "content", "posts", "tcp.md"), `---
title: Closing
---

Four segments close a connection:

{{< synack scenario="four-way-teardown" figure="figures/four-way-teardown.svg" >}}

And a lost SYN, prerendered:

{{< synack prerendered="synack-figures/syn-lost.html" >}}
`);
  await run("hugo", ["--quiet", "--source", dir], { cwd: dir, timeout: 60_000 });
  await checkGenerated(join(dir, "public"), "posts/tcp/index.html", "/synack/synack.js");
});

test("Jekyll: the include writes the element, its script and a prerendered figure", { timeout: 180_000 }, async (t) => {
  if (!(await generator(t, "jekyll"))) return;
  const dir = join(work, "jekyll");
  await mkdir(join(dir, "_posts"), { recursive: true });
  await mkdir(join(dir, "_layouts"), { recursive: true });
  await cp(join(ROOT, "integrations", "jekyll", "_includes"), join(dir, "_includes"), { recursive: true });
  await cp(join(md, "node_modules", "synack-viz"), join(dir, "synack"), { recursive: true, filter: (f) => !/[/\\](node|node_modules)$/.test(f) });
  await mkdir(join(dir, "figures"));
  await writeFile(join(dir, "figures", "four-way-teardown.svg"), (await run("npx", ["--no-install", "synack-viz", "render", "four-way-teardown"], { cwd: md })).stdout);
  await mkdir(join(dir, "_includes", "synack-figures"));
  await writeFile(join(dir, "_includes", "synack-figures", "syn-lost.html"), await renderHtml(["syn-lost", "--seed", "7"]));
  await writeFile(join(dir, "_config.yml"), "title: TCP notes\nmarkdown: kramdown\nexclude: [synack/package.json, synack/README.md, synack/synack-viz.d.ts]\n");
  await writeFile(join(dir, "_layouts", "default.html"), '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{{ page.title }}</title></head><body>{{ content }}</body></html>\n');
  await writeFile(join(dir, "_posts", "2024-03-01-tcp.md"), `---
layout: default
title: Closing
---

Four segments close a connection:

{% include synack.html scenario="four-way-teardown" figure="/figures/four-way-teardown.svg" %}

And a lost SYN, prerendered:

{% include synack.html prerendered="synack-figures/syn-lost.html" %}
`);
  await run("jekyll", ["build", "--quiet", "--source", dir, "--destination", join(dir, "_site")], { cwd: dir, timeout: 120_000 });
  await checkGenerated(join(dir, "_site"), "2024/03/01/tcp.html", "/synack/synack.js");
});

test("npx synack-viz render writes the diagram as an SVG file, and refuses bad input", { timeout: 60_000 }, async () => {
  const { stdout } = await run("npx", ["--no-install", "synack-viz", "render", "three-way-handshake", "--lang", "zh-CN"], { cwd: md });
  assert.match(stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="640" height="\d+"/);
  assert.match(stdout, /<title>三次握手<\/title>/);
  const err = await run("npx", ["--no-install", "synack-viz", "render", "three-way-handshak"], { cwd: md }).then(() => null, (e) => e);
  assert.equal(err?.code, 2);
  assert.match(err.stderr, /^synack-viz: scenario="three-way-handshak" is not in the catalogue \(the scenarios: three-way-handshake, /);
});
