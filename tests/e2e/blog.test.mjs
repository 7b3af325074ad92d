// Browser tests of what a blog needs from <synack-viz> (issue 4): Chinese and
// English text, the keyboard, axe-core with zero violations, a strict
// Content-Security-Policy, no network traffic after loading, exports, the
// permalink, the one-file embed and the iframe page.
//
//   bash scripts/build-site.sh && node --test tests/e2e/blog.test.mjs

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { ARTIFACTS, launch, newPage, screenshot } from "./browser.mjs";
import { mkdir, writeFile } from "node:fs/promises";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..");
const DIST = process.env.SYNACK_DIST ?? join(REPO, "dist");
const TIMEOUT = 40_000;
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
// embed.html's own policy, as its meta tag ships it (PNG export draws a blob: image).
const EMBED_CSP = readFileSync(join(REPO, "www", "embed.html"), "utf8").match(/Content-Security-Policy" content="([^"]+)"/)[1];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

if (!existsSync(join(DIST, "synack", "synack.js"))) {
  throw new Error("dist/synack/synack.js is missing: run `bash scripts/build-site.sh` first");
}

let browser;
let site;

before(async () => {
  site = await serve(DIST, { "/test-pages/": join(HERE, "pages") }, {
    headers: (path) =>
      path === "/embed.html" ? { "Content-Security-Policy": EMBED_CSP }
      : ["/test-pages/csp.html", "/test-pages/embed-only.html"].includes(path) ? { "Content-Security-Policy": CSP } : {},
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Opens `path`, recording every request the page makes (URL, and whether the element was ready). */
async function open(path, options = {}) {
  const page = await newPage(browser, options);
  page.requests = [];
  page.on("request", (req) => page.requests.push(req.url()));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await page.goto(new URL(path, site.url).href, { waitUntil: "load" });
  return page;
}

async function ready(page, selector = "synack-viz") {
  return page.evaluate(async (selector) => {
    await customElements.whenDefined("synack-viz");
    return Promise.all([...document.querySelectorAll(selector)].map((el) => el.ready));
  }, selector);
}

/** Text a reader sees in the element: title, badges, narration, analogy, outcome, controls' labels. */
function seen(page, selector = "#viz") {
  return page.evaluate(async (selector) => {
    const root = document.querySelector(selector).shadowRoot;
    // The text table is filled when a reader opens it (a chunk of its own).
    const details = root.querySelector("details.table");
    if (details && !details.open) {
      details.open = true;
      for (let i = 0; i < 50 && !root.querySelector("details.table tbody"); i++) await new Promise((r) => setTimeout(r, 20));
    }
    const text = (q) => root.querySelector(q)?.textContent.trim() ?? null;
    return {
      title: text(".title span"),
      narration: text(".narration"),
      analogy: text(".analogy"),
      outcome: text(".outcome"),
      sides: [...root.querySelectorAll(".side b")].map((b) => b.textContent),
      buttons: [...root.querySelectorAll("button")].map((b) => b.getAttribute("aria-label") ?? b.textContent),
      alert: text('[role="alert"]'),
      client: root.querySelector('[data-side="client"][data-state]')?.dataset.state,
      server: root.querySelector('[data-side="server"][data-state]')?.dataset.state,
      rows: root.querySelectorAll("details.table tbody tr").length,
      firstRow: [...(root.querySelector("details.table tbody tr")?.cells ?? [])].map((c) => c.textContent),
    };
  }, selector);
}

const HAN = /[\u4e00-\u9fff]/;

describe("languages", () => {
  test("a zh-CN page gets Chinese labels, narration, analogy and outcome, in textbook terms", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/zh.html", { width: 900, height: 900 });
    try {
      assert.deepEqual(await ready(page), [true]);
      let s = await seen(page);
      assert.equal(s.title, "三次握手");
      assert.deepEqual(s.sides, ["客户端", "服务器"]);
      assert.ok(s.buttons.includes("下一步") && s.buttons.includes("播放"), `Chinese buttons: ${s.buttons}`);
      assert.match(s.narration, /点击“下一步”/);
      await page.evaluate(() => document.querySelector("#viz").seek(2));
      await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector(".analogy")?.textContent.length > 0);
      s = await seen(page);
      assert.match(s.narration, /客户端发送 SYN #1/, s.narration);
      assert.match(s.narration, /主动打开.*（RFC 9293 §3\.10\.1）/, "the reason is Chinese and cites its RFC section");
      assert.match(s.analogy, /小林（客户端）/, "the conversation names the client");
      assert.match(s.firstRow.join(" "), /服务器/, "the text table is Chinese too");
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      s = await seen(page);
      assert.match(s.outcome, /^结束时：客户端 ESTABLISHED，服务器 ESTABLISHED。双方在同一个连接上都处于 ESTABLISHED。$/);
      for (const w of [360, 900]) {
        await page.setViewportSize({ width: w, height: 900 });
        await page.waitForTimeout(250);
        await screenshot(page, `zh-light-${w}`);
      }
      assert.deepEqual(page.errors, []);
    } finally {
      await page.closeAll();
    }
  });

  test("an English page loads no Chinese; a bad attribute's message follows the language", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/controls.html", { width: 900, height: 700 });
    try {
      await ready(page);
      const s = await seen(page);
      assert.equal(s.title, "Three-way handshake");
      assert.ok(!HAN.test(JSON.stringify(s)), "no Chinese on an English page");
      assert.ok(!page.requests.some((u) => /zh-CN|analogy|export/.test(u)), `no lazy chunk fetched: ${page.requests}`);
      const alert = await page.evaluate(async () => {
        const el = document.createElement("synack-viz");
        el.setAttribute("lang", "zh-CN");
        el.setAttribute("numbers", "binary");
        el.id = "bad";
        document.body.append(el);
        await el.ready;
        const exported = await el.exportSvg().then(() => "exported", (e) => e.message);
        return [el.shadowRoot.querySelector('[role="alert"]').textContent, exported];
      });
      assert.deepEqual(alert, ["synack：numbers=\"binary\" 只能是 relative、symbolic 或 absolute", "没有可导出的时序图。"]);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.closeAll();
    }
  });

  test("every scenario, in both languages, tells every event in words (no gaps, no English in Chinese)", { timeout: 60_000 }, async () => {
    const src = readFileSync(join(REPO, "crates", "synack-core", "src", "catalogue.rs"), "utf8");
    const ids = [...src.matchAll(/^\s*id: "([a-z0-9-]+)",/gm)].map((m) => m[1]);
    // It once matched nothing and so checked nothing.
    assert.ok(ids.length >= 15, `found the catalogue's ids: ${ids}`);
    const page = await open("test-pages/blank.html", { width: 900, height: 800 });
    try {
      const problems = [];
      for (const lang of ["en", "zh-CN"]) {
        for (const id of ids) {
          const text = await page.evaluate(async ({ id, lang }) => {
            const root = document.getElementById("root");
            root.replaceChildren();
            const el = document.createElement("synack-viz");
            el.setAttribute("scenario", id);
            el.setAttribute("lang", lang);
            root.append(el);
            await el.ready;
            await el.seek(Infinity);
            const r = el.shadowRoot;
            r.querySelector("details.table").open = true;
            for (let i = 0; i < 50 && !r.querySelector("details.table td"); i++) await new Promise((w) => setTimeout(w, 20));
            return {
              table: [...r.querySelectorAll("details.table td")].map((td) => td.textContent),
              marks: [...r.querySelectorAll("svg text")].map((t) => t.textContent),
              outcome: r.querySelector(".outcome")?.textContent ?? "",
              alert: r.querySelector('[role="alert"]')?.textContent ?? null,
            };
          }, { id, lang });
          const all = [...text.table, ...text.marks, text.outcome];
          if (text.alert) problems.push(`${lang} ${id}: ${text.alert}`);
          if (text.table.length < 4) problems.push(`${lang} ${id}: only ${text.table.length} table cells`);
          for (const t of all) {
            if (/undefined|null|NaN|\[object/.test(t)) problems.push(`${lang} ${id}: "${t}"`);
            // Chinese text keeps RFC names (SYN-SENT, FIN,ACK, connect()) but no English sentences.
            if (lang === "zh-CN" && /\b(the|is|and|sends|reaches|timer|application)\b/i.test(t)) problems.push(`${lang} ${id}: English in "${t}"`);
          }
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.closeAll();
    }
  });
});

describe("layout in both languages and themes", () => {
  test("at 360 and 900 px, nothing is cut off and no label overlaps another (screenshots)", { timeout: 60_000 }, async () => {
    const problems = [];
    for (const lang of ["en", "zh-CN"]) {
      for (const theme of ["light", "dark"]) {
        for (const width of [360, 900]) {
          const page = await open("test-pages/a11y.html", { width, height: 900, colorScheme: theme });
          try {
            await page.evaluate(({ lang, theme }) => {
              document.documentElement.lang = lang;
              const el = document.querySelector("#viz");
              el.setAttribute("lang", lang);
              el.setAttribute("theme", theme);
              el.setAttribute("scenario", "final-ack-lost");
            }, { lang, theme });
            await ready(page);
            await page.waitForTimeout(100);
            const found = await page.evaluate(async () => {
              const el = document.querySelector("#viz");
              await el.seek(9);
              el.shadowRoot.querySelector("details.table").open = true;
              await new Promise((r) => setTimeout(r, 100));
              const edge = el.getBoundingClientRect().right + 1;
              const clipped = [...el.shadowRoot.querySelectorAll("*")]
                .filter((n) => !(n instanceof SVGElement) || n.localName === "svg")
                .filter((n) => n.getBoundingClientRect().width > 0 && n.getBoundingClientRect().right > edge)
                .map((n) => `<${n.localName} class="${n.getAttribute("class") ?? ""}"> past the edge`);
              // Segment labels: no two label boxes overlap.
              const boxes = [...el.shadowRoot.querySelectorAll(".seglabel .label-bg")].map((r) => r.getBoundingClientRect());
              const overlaps = [];
              boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
                if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps.push(`labels ${i} and ${i + j + 1} overlap`);
              }));
              return [...clipped, ...overlaps];
            });
            problems.push(...found.map((f) => `${lang} ${theme} ${width}px: ${f}`));
            const sides = (await seen(page)).sides.join(" ");
            if (sides !== (lang === "en" ? "Client Server" : "客户端 服务器")) problems.push(`${lang}: the element shows ${sides}`);
            await screenshot(page, `blog-${lang}-${theme}-${width}`);
            problems.push(...page.errors.map((e) => `${lang} ${theme} ${width}px: ${e}`));
          } finally {
            await page.closeAll();
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe("accessibility", () => {
  test("the keyboard plays, steps and goes back; focus is visible; the live region speaks", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/controls.html", { width: 900, height: 800 });
    try {
      await ready(page);
      const step = () => page.evaluate(() => document.querySelector("#viz").shadowRoot.querySelector(".count").textContent);
      // Tab into the element: the diagram is the first stop.
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const a = document.querySelector("#viz").shadowRoot.activeElement;
        return { cls: a?.getAttribute("class"), outline: a ? getComputedStyle(a).outlineStyle : null };
      });
      assert.equal(focused.cls, "diagram");
      assert.notEqual(focused.outline, "none", "focus is visible");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      assert.match(await step(), /^2 \//);
      const live = await page.evaluate(() => {
        const n = document.querySelector("#viz").shadowRoot.querySelector(".narration");
        return { live: n.getAttribute("aria-live"), text: n.textContent };
      });
      assert.equal(live.live, "polite");
      assert.match(live.text, /The client sends SYN #1/, "the step's sentence is in the live region");
      await page.keyboard.press("ArrowLeft");
      assert.match(await step(), /^1 \//);
      await page.keyboard.press(" ");
      await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector('[data-action="play"]').getAttribute("aria-label") === "Pause");
      await page.keyboard.press(" ");
      const label = await page.evaluate(() => document.querySelector("#viz").shadowRoot.querySelector('[data-action="play"]').getAttribute("aria-label"));
      assert.equal(label, "Play", "space paused again");
      await page.keyboard.press("End");
      assert.match(await step(), /^(\d+) \/ \1$/);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.closeAll();
    }
  });

  for (const lang of ["en", "zh-CN"]) {
    for (const theme of ["light", "dark"]) {
      test(`axe-core finds no violations (${lang}, ${theme})`, { timeout: TIMEOUT }, async () => {
        const page = await open("test-pages/a11y.html", { width: 900, height: 900, colorScheme: theme });
        try {
          await page.evaluate(({ lang, theme }) => {
            document.documentElement.lang = lang;
            const el = document.querySelector("#viz");
            el.setAttribute("theme", theme);
            el.setAttribute("lang", lang);
          }, { lang, theme });
          await ready(page);
          await page.evaluate(async () => {
            const el = document.querySelector("#viz");
            await el.seek(3);
            el.shadowRoot.querySelector("details.table").open = true;
          });
          await page.waitForTimeout(600);
          const sides = (await seen(page)).sides;
          assert.deepEqual(sides, lang === "en" ? ["Client", "Server"] : ["客户端", "服务器"], "the element speaks the language under test");
          await page.addScriptTag({ content: AXE });
          const violations = await page.evaluate(async () => {
            const r = await window.axe.run(document, { resultTypes: ["violations"] });
            return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target) + " " + n.failureSummary).join(" | ")}`);
          });
          await screenshot(page, `a11y-${lang}-${theme}`);
          assert.deepEqual(violations, []);
          // The segment inspector, open over the page: its bits, cells and lines too.
          await page.locator('#viz g.seglabel[data-for="2"]').click();
          await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector("dialog.inspector[open] dl"), null, { timeout: 5_000 });
          const inInspector = await page.evaluate(async () => {
            const r = await window.axe.run(document, { resultTypes: ["violations"] });
            return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target) + " " + n.failureSummary).join(" | ")}`);
          });
          await screenshot(page, `a11y-inspector-${lang}-${theme}`);
          assert.deepEqual(inInspector, []);
        } finally {
          await page.closeAll();
        }
      });
    }
  }

  // Every state colour meets WCAG AA (4.5:1 for the badges' text), in both themes,
  // at every step of scenarios that pass through all state families.
  for (const theme of ["light", "dark"]) {
    test(`colour contrast holds at every step (${theme})`, { timeout: 90_000 }, async () => {
      const page = await open("test-pages/a11y.html", { width: 900, height: 900, colorScheme: theme });
      try {
        await ready(page);
        await page.addScriptTag({ content: AXE });
        const failures = [];
        const seenFamilies = new Set();
        for (const scenario of ["full-lifecycle", "simultaneous-close", "connection-refused"]) {
          const found = await page.evaluate(async ({ scenario, theme }) => {
            const el = document.querySelector("#viz");
            el.setAttribute("theme", theme);
            el.setAttribute("scenario", scenario);
            el.setAttribute("speed", "16");
            await new Promise((r) => setTimeout(r, 200));
            await el.ready;
            const out = [];
            const families = [];
            for (let k = 0; k <= el.length; k++) {
              await el.seek(k);
              await new Promise((r) => requestAnimationFrame(() => r()));
              for (const b of el.shadowRoot.querySelectorAll(".badge")) families.push(b.dataset.family);
              const r = await window.axe.run(document, { runOnly: ["color-contrast"], resultTypes: ["violations"] });
              for (const v of r.violations) for (const n of v.nodes) out.push(`${scenario} step ${k}: ${n.failureSummary.replace(/\s+/g, " ")}`);
            }
            return { out, families };
          }, { scenario, theme });
          failures.push(...found.out);
          for (const f of found.families) seenFamilies.add(f);
        }
        assert.deepEqual([...seenFamilies].sort(), ["closed", "closing", "open", "opening", "waiting"], "every state family was on screen");
        assert.deepEqual(failures.slice(0, 5), [], `${failures.length} contrast failures`);
      } finally {
        await page.closeAll();
      }
    });
  }

  test("reduced motion: a step lands at once, without sliding", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/controls.html", { width: 900, height: 700, reducedMotion: "reduce" });
    try {
      await ready(page);
      const head = await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        await el.seek(2);
        await el.step(); // the SYN arrives, the SYN,ACK leaves
        const syn = el.shadowRoot.querySelector('g.segment[data-id="1"] line');
        return { x2: syn.getAttribute("x2"), x1: syn.getAttribute("x1") };
      });
      const geo = await page.evaluate(() => document.querySelector("#viz").shadowRoot.querySelector(".ghosts line").getAttribute("x2"));
      assert.equal(head.x2, geo, "the delivered SYN is drawn whole immediately");
    } finally {
      await page.closeAll();
    }
  });
});

describe("a strict page", () => {
  test("under default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' nothing is blocked", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/csp.html", { width: 1000, height: 1200 });
    try {
      const res = await page.request.get(new URL("test-pages/csp.html", site.url).href);
      assert.equal(res.headers()["content-security-policy"], CSP, "the page really is served with the policy");
      assert.deepEqual(await ready(page), [true, true]);
      await page.evaluate(async () => {
        for (const el of document.querySelectorAll("synack-viz")) await el.seek(Infinity);
        await document.querySelector("#viz").exportSvg(); // the export chunk loads under the policy too
      });
      const s = await seen(page, "#zh");
      assert.match(s.outcome, /结束时/);
      const violations = await page.evaluate(() => window.__csp);
      await screenshot(page, "csp");
      assert.deepEqual(violations, []);
      assert.deepEqual(page.errors, [], "no console error (a CSP block is reported there too)");
    } finally {
      await page.closeAll();
    }
  });

  test("after loading its own files the element makes no network request", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/csp.html", { width: 1000, height: 1200 });
    try {
      await ready(page);
      await page.evaluate(() => document.querySelector("#viz").exportSvg());
      const own = page.requests.length;
      assert.ok(page.requests.every((u) => u.startsWith(site.url)), `only its own origin: ${page.requests}`);
      await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        for (let i = 0; i < 6; i++) await el.step();
        await el.dropSegment(2);
        await el.exportMermaid();
        await el.exportSvg();
        el.setAttribute("handshake", "two-way");
        await new Promise((r) => setTimeout(r, 300));
        el.play();
        await new Promise((r) => setTimeout(r, 800));
        el.pause();
      });
      // The page's own icon is refetched by the browser when the permalink updates
      // the URL; it is not the element's request.
      const later = page.requests.slice(own).filter((u) => !u.endsWith("/favicon.svg"));
      assert.deepEqual(later, [], "no request while stepping, losing, exporting and replaying");
    } finally {
      await page.closeAll();
    }
  });
});

describe("share and export", () => {
  test("the SVG export is a valid standalone file; PNG and Mermaid come out too", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/controls.html", { width: 900, height: 700 });
    try {
      await ready(page);
      const out = await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        el.setAttribute("isn-client", "1000");
        el.setAttribute("isn-server", "5000");
        await new Promise((r) => setTimeout(r, 50));
        await el.seek(3);
        const text = await el.exportSvg();
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        const img = new Image();
        img.src = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
        await img.decode();
        const png = await el.exportPng();
        const bytes = new Uint8Array(await png.arrayBuffer());
        const sig = [...bytes.slice(0, 8)];
        let bin = "";
        for (const b of bytes) bin += String.fromCharCode(b);
        return {
          text,
          parseError: doc.querySelector("parsererror")?.textContent ?? null,
          root: doc.documentElement.localName,
          ns: doc.documentElement.namespaceURI,
          segments: doc.querySelectorAll("g.segment").length,
          live: el.shadowRoot.querySelectorAll("g.segment").length,
          hasStyle: !!doc.querySelector("style"),
          img: [img.naturalWidth, img.naturalHeight],
          pngType: png.type,
          sig,
          png64: btoa(bin),
          mermaid: await el.exportMermaid(),
        };
      });
      await mkdir(ARTIFACTS, { recursive: true });
      await writeFile(join(ARTIFACTS, "export.svg"), out.text);
      await writeFile(join(ARTIFACTS, "export.png"), Buffer.from(out.png64, "base64"));
      assert.equal(out.parseError, null);
      assert.equal(out.root, "svg");
      assert.equal(out.ns, "http://www.w3.org/2000/svg");
      assert.match(out.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
      assert.ok(!/href="(?!#)/.test(out.text), "refers to no outside file");
      assert.ok(out.segments >= 2, "the segments sent so far are in the file");
      assert.equal(out.segments, out.live, "as many segments as on screen");
      assert.ok(out.hasStyle, "styles are inlined");
      assert.ok(out.img[0] > 300 && out.img[1] > 100, `the file renders as an image: ${out.img}`);
      assert.equal(out.pngType, "image/png");
      assert.deepEqual(out.sig, [137, 80, 78, 71, 13, 10, 26, 10], "a PNG signature");
      assert.equal(
        out.mermaid,
        "sequenceDiagram\n  participant Client as Client\n  participant Server as Server\n  Note over Server: LISTEN\n" +
          "  Note over Client: SYN-SENT\n  Client->>Server: #35;1 SYN seq=1000\n  Note over Server: SYN-RECEIVED\n" +
          "  Server->>Client: #35;2 SYN,ACK seq=5000 ack=1001\n",
      );
    } finally {
      await page.closeAll();
    }
  });

  test("permalink keeps scenario, options and step in the fragment, and a link restores them", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/a11y.html", { width: 900, height: 700 });
    try {
      await ready(page);
      const hash = await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        el.setAttribute("numbers", "absolute");
        await new Promise((r) => setTimeout(r, 100));
        await el.step();
        await el.step();
        return location.hash;
      });
      assert.equal(hash, "#synack=scenario:syn-lost;numbers:absolute;step:2");
      const again = await open(`test-pages/a11y.html${hash}`, { width: 900, height: 700 });
      try {
        await ready(again);
        const s = await again.evaluate(() => {
          const el = document.querySelector("#viz");
          return { count: el.shadowRoot.querySelector(".count").textContent, numbers: el.getAttribute("numbers") };
        });
        assert.match(s.count, /^2 \//);
        assert.equal(s.numbers, "absolute");
      } finally {
        await again.closeAll();
      }
    } finally {
      await page.closeAll();
    }
  });
});

describe("embedding", () => {
  test("the one-file embed works on a page that loads nothing else (under the strict policy too)", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/embed-only.html", { width: 900, height: 900 });
    try {
      assert.deepEqual(await ready(page), [true]);
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const s = await seen(page);
      assert.equal(s.title, "四次挥手");
      assert.equal(s.client, "CLOSED");
      assert.match(s.outcome, /双方都正常关闭了连接/);
      const paths = page.requests.map((u) => new URL(u).pathname);
      assert.deepEqual(paths.filter((p) => p !== "/favicon.svg"), ["/test-pages/embed-only.html", "/synack-embed.js"], "one file, nothing else (besides the page's icon)");
      assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violation");
      await screenshot(page, "embed-only");
      assert.deepEqual(page.errors, []);
    } finally {
      await page.closeAll();
    }
  });

  test("embed.html?scenario=… draws that scenario, under its own strict policy", { timeout: TIMEOUT }, async () => {
    const page = await open("embed.html?scenario=syn-lost&lang=zh-CN&theme=dark", { width: 700, height: 900 });
    try {
      assert.deepEqual(await ready(page), [true]);
      const s = await seen(page, "synack-viz");
      assert.equal(s.title, "SYN 丢失");
      assert.ok(s.buttons.includes("下一步"), "controls on by default");
      assert.deepEqual(await page.evaluate(() => window.__csp), []);
      await screenshot(page, "embed-page-zh-dark");
      // PNG export works under the page's own policy (it used to lack img-src blob:).
      const png = await page.evaluate(async () => (await document.querySelector("synack-viz").exportPng()).type);
      assert.equal(png, "image/png");
      assert.deepEqual(await page.evaluate(() => window.__csp), []);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.closeAll();
    }
  });

  test("embed.html?capture=… plays the capture, not the default scenario", { timeout: 90_000 }, async () => {
    const page = await open("embed.html?capture=samples/syn-lost.pcap", { width: 700, height: 900 });
    try {
      await page.waitForFunction(() => document.querySelector("synack-viz")?.shadowRoot.querySelector(".title span")?.textContent.startsWith("Capture:"), null, { timeout: 80_000 });
      assert.deepEqual(await page.evaluate(() => window.__csp), []);
      // Every byte arrived (the capture is drawn); Chromium may still call the fetch
      // aborted when its Response is collected early on a loaded machine (capture.js).
      assert.deepEqual(page.errors.filter((e) => !/syn-lost\.pcap \(net::ERR_ABORTED\)/.test(e)), []);
    } finally {
      await page.closeAll();
    }
  });
});
