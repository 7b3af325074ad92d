#!/usr/bin/env node
// Benchmarks <synack-viz> against the floors in www/bench/ and prints figures
// (not a pass/fail test). Needs dist/ (bash scripts/build-site.sh) and Chromium.
//
//   node scripts/bench.mjs                 # 10 runs each
//   BENCH_RUNS=20 BENCH_SECONDS=4 node scripts/bench.mjs
//   BENCH_ONLY=prerender node scripts/bench.mjs   # only (d)
//
// (a) bytes the element needs: what a page with one element fetches from
//     dist/synack/ (JS, its language's chunk, the wasm), raw and gzip -9, in en and zh-CN;
// (b) navigation start → first diagram drawn (performance.mark "synack-first-draw")
//     versus the first contentful paint of www/bench/static-svg.html (the floor);
// (c) main-thread time per animation frame while full-lifecycle plays (CDP
//     Performance.getMetrics TaskDuration and ScriptDuration deltas over windows,
//     divided by frames counted with an injected requestAnimationFrame counter), at 1×
//     and with 4× CPU throttling, versus www/bench/bare-raf.html with the same number
//     of arrows (the floor);
// (d) the diagram before JavaScript, side by side at 1× and 4× CPU: the static SVG
//     floor, the element as it is (no prerendering) and the element prerendered by
//     synack-viz/render (the tarball of scripts/package.sh, installed with npm into
//     node_modules/.cache/synack-bench/): time to the first diagram (first
//     contentful paint for the floor and the prerendered page, the element's
//     "synack-first-draw" mark without prerendering), time until it is interactive
//     (the mark), and the bytes each page transfers (raw and gzip -9).

import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { gzipSync, constants } from "node:zlib";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../tests/e2e/server.mjs";
import { launch, newPage } from "../tests/e2e/browser.mjs";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(REPO, "dist");
const RUNS = Number(process.env.BENCH_RUNS) || 10; // fewer only for a smoke run
const SECONDS = Number(process.env.BENCH_SECONDS) || 3;
const WINDOW_MS = 250;
const ARROWS = 11; // segments in full-lifecycle
// The size budget of issue 16 (56 KiB for an English page; the 40 KB target before it is retired).
const TARGET = { gzipKB: 56, firstDraw: 2, frame: 1.5 };

for (const f of ["synack/synack.js", "bench/static-svg.html", "bench/bare-raf.html", "bench/element.html"]) {
  if (!existsSync(join(DIST, f))) {
    console.error(`dist/${f} is missing: run \`bash scripts/build-site.sh\` first`);
    process.exit(1);
  }
}

// ---------- statistics ----------
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => {
  const s = sorted(xs);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
};
const median = (xs) => quantile(xs, 0.5);
const mmm = (xs) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const fm = (s, d = 1, unit = "") => `${f(s.min, d)} / ${f(s.median, d)} / ${f(s.max, d)}${unit}`;
const ok = (good) => (good ? "yes" : "**no**");

// ---------- (a) bytes ----------
// What a page with one element really fetches from dist/synack/ (the bundle is
// split, and a page loads only its language's chunk), summed from the files on
// disk: raw and gzip -9.
async function bytes(browser, base, lang) {
  const page = await newPage(browser, { width: 1000, height: 800 });
  const fetched = new Set();
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/synack/")) fetched.add(path.slice(1));
  });
  await page.goto(new URL(`bench/element.html?controls&lang=${lang}`, base).href);
  await page.waitForFunction(() => performance.getEntriesByName("synack-first-draw")[0], null, { timeout: 20_000 });
  await page.waitForTimeout(500); // chunks imported just after the first draw
  await page.closeAll();
  const list = [];
  for (const file of [...fetched].sort()) {
    const data = await readFile(join(DIST, file));
    list.push({ file, raw: data.length, gzip: gzipSync(data, { level: constants.Z_BEST_COMPRESSION }).length });
  }
  const sum = (k, pred = () => true) => list.filter(pred).reduce((n, x) => n + x[k], 0);
  const isWasm = (x) => x.file.endsWith(".wasm");
  return {
    list,
    raw: sum("raw"),
    gzip: sum("gzip"),
    wasmRaw: sum("raw", isWasm),
    wasmGzip: sum("gzip", isWasm),
    jsRaw: sum("raw", (x) => !isWasm(x)),
    jsGzip: sum("gzip", (x) => !isWasm(x)),
  };
}

// ---------- (b) first diagram ----------
async function firstDraw(browser, base) {
  const element = [];
  const elementFcp = [];
  const floorFcp = [];
  const floorLoad = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, each in a fresh context (empty cache).
    {
      const page = await newPage(browser, { width: 1000, height: 800 });
      await page.goto(new URL("bench/element.html", base).href);
      const t = await page.waitForFunction(
        () => performance.getEntriesByName("synack-first-draw")[0]?.startTime,
        null,
        { timeout: 20_000, polling: 10 },
      );
      element.push(await t.jsonValue());
      const fcp = await page.waitForFunction(
        () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
        null,
        { timeout: 5_000, polling: 10 },
      );
      elementFcp.push(await fcp.jsonValue());
      if (page.errors.length) console.warn("element.html errors:", page.errors);
      await page.closeAll();
    }
    {
      const page = await newPage(browser, { width: 1000, height: 800 });
      await page.goto(new URL("bench/static-svg.html", base).href, { waitUntil: "load" });
      const fcp = await page.waitForFunction(
        () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
        null,
        { timeout: 5_000, polling: 10 },
      );
      floorFcp.push(await fcp.jsonValue());
      floorLoad.push(await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventStart));
      if (page.errors.length) console.warn("static-svg.html errors:", page.errors);
      await page.closeAll();
    }
  }
  return { element: mmm(element), elementFcp: mmm(elementFcp), floorFcp: mmm(floorFcp), floorLoad: mmm(floorLoad) };
}

// ---------- (c) frames ----------
const KEEP_PLAYING = () => {
  // Count frames; and keep full-lifecycle playing: when it reaches the end, start over.
  window.__frames = 0;
  const count = () => {
    window.__frames++;
    requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
  const el = document.querySelector("synack-viz");
  if (el) {
    window.__restarts = 0;
    window.__steps = 0;
    el.addEventListener("synack-step", () => window.__steps++);
    setInterval(() => {
      if (el.shadowRoot.querySelector(".outcome")?.textContent.trim()) {
        window.__restarts++;
        Promise.resolve(el.reset()).then(() => el.play());
      }
    }, 100);
    el.play();
  }
};

async function frameRun(browser, base, path, rate) {
  const page = await newPage(browser, { width: 1000, height: 1400 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await page.goto(new URL(path, base).href);
  await page.waitForFunction(() => performance.getEntriesByName("synack-first-draw").length > 0, null, { timeout: 30_000 });
  await page.evaluate(KEEP_PLAYING);
  await page.waitForTimeout(300); // settle: first step, layout
  const sample = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const frames = await page.evaluate(() => window.__frames);
    return { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000, frames, t: performance.now() };
  };
  const windows = [];
  let prev = await sample();
  const first = prev;
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const now = await sample();
    const frames = now.frames - prev.frames;
    if (frames > 0) windows.push({ task: (now.task - prev.task) / frames, script: (now.script - prev.script) / frames });
    prev = now;
  }
  const frames = prev.frames - first.frames;
  const fps = frames / ((prev.t - first.t) / 1000);
  const { restarts, steps } = await page.evaluate(() => ({ restarts: window.__restarts ?? 0, steps: window.__steps ?? 0 }));
  if (page.errors.length) console.warn(`${path} errors:`, page.errors);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await page.closeAll();
  return {
    task: (prev.task - first.task) / frames,
    script: (prev.script - first.script) / frames,
    fps,
    restarts,
    steps,
    windows,
  };
}

async function frameCost(browser, base, path, rate) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await frameRun(browser, base, path, rate));
  const w = runs.flatMap((r) => r.windows);
  return {
    task: mmm(runs.map((r) => r.task)),
    script: mmm(runs.map((r) => r.script)),
    fps: mmm(runs.map((r) => r.fps)),
    p50: quantile(w.map((x) => x.task), 0.5),
    p95: quantile(w.map((x) => x.task), 0.95),
    scriptP50: quantile(w.map((x) => x.script), 0.5),
    scriptP95: quantile(w.map((x) => x.script), 0.95),
    restarts: runs.reduce((n, r) => n + r.restarts, 0),
    steps: runs.reduce((n, r) => n + r.steps, 0),
  };
}

// ---------- (d) the diagram before JavaScript ----------
/** The prerendered page: bench/element.html's element, with synack-viz/render's figure inside. Returns its folder. */
async function prerenderedPage() {
  execFileSync("bash", [join(REPO, "scripts", "package.sh")], { stdio: "ignore" });
  const dir = join(REPO, "node_modules", ".cache", "synack-bench");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "synack-bench", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", join(REPO, "target", "packages", "synack-viz-0.1.0.tgz")], { cwd: dir, stdio: "ignore" });
  const { renderSync } = await import(pathToFileURL(join(dir, "node_modules", "synack-viz", "node", "render.js")).href);
  const { html } = renderSync({ scenario: "three-way-handshake" });
  const page = (await readFile(join(DIST, "bench", "element.html"), "utf8"))
    .replace(/<title>[^<]*<\/title>/, "<title>Benchmark: one prerendered &lt;synack-viz&gt;</title>")
    .replace(/<synack-viz id="viz" scenario="three-way-handshake"><\/synack-viz>/, html.replace("<synack-viz ", '<synack-viz id="viz" '))
    .replace(/<script>[\s\S]*?<\/script>\n/, "");
  if (!page.includes("synack-prerender")) throw new Error("bench/element.html changed: the prerendered page could not be made from it");
  await mkdir(join(dir, "out"), { recursive: true });
  await writeFile(join(dir, "out", "prerendered.html"), page);
  return join(dir, "out");
}

/** One fresh load of `path` at `rate`× CPU: first diagram, interactive, bytes (raw, and gzip -9 of the same files). */
async function loadOnce(browser, base, path, rate, mark) {
  const page = await newPage(browser, { width: 1000, height: 800 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await page.goto(new URL(path, base).href);
  const paint = async (name) => (await page.waitForFunction((n) => performance.getEntriesByName(n)[0]?.startTime, name, { timeout: 30_000, polling: 10 })).jsonValue();
  const fcp = await paint("first-contentful-paint");
  const ready = mark ? await paint("synack-first-draw") : null;
  await page.waitForTimeout(300); // chunks fetched just after the first draw
  const files = await page.evaluate(() => [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")].map((e) => ({ url: e.name, bytes: e.encodedBodySize })));
  if (page.errors.length) console.warn(`${path} errors:`, page.errors);
  await page.closeAll();
  return { fcp, ready, files };
}

async function beforeJs(browser, base, folders) {
  const pages = [
    ["static SVG (floor)", "bench/static-svg.html", false],
    ["element, no prerendering", "bench/element.html", true],
    ["element, prerendered", "bench-pre/prerendered.html", true],
  ];
  const out = {};
  for (const rate of [1, 4]) {
    const rows = pages.map(([name]) => ({ name, first: [], ready: [], files: null }));
    for (let i = 0; i < RUNS; i++) {
      for (const [k, [, path, mark]] of pages.entries()) {
        const r = await loadOnce(browser, base, path, rate, mark);
        // The first diagram: painted with the page for the floor and the prerendered figure, drawn by the element otherwise.
        rows[k].first.push(k === 1 ? r.ready : r.fcp);
        if (r.ready !== null) rows[k].ready.push(r.ready);
        rows[k].files ??= r.files;
      }
    }
    for (const row of rows) {
      let raw = 0;
      let gz = 0;
      for (const { url } of row.files) {
        const rel = decodeURIComponent(new URL(url).pathname).replace(/^\//, "");
        const file = rel.startsWith("bench-pre/") ? join(folders.pre, rel.slice("bench-pre/".length)) : join(DIST, rel);
        if (!existsSync(file)) continue;
        const data = await readFile(file);
        raw += data.length;
        gz += gzipSync(data, { level: constants.Z_BEST_COMPRESSION }).length;
      }
      row.raw = raw;
      row.gzip = gz;
    }
    out[rate] = rows;
  }
  return out;
}

function printBeforeJs(bj) {
  const floorAt = (rate) => median(bj[rate][0].first);
  console.log(`\n### The diagram before JavaScript (three-way-handshake, no controls)\n`);
  console.log("| page | CPU | first diagram, ms (min / median / max) | × floor | interactive, ms (min / median / max) | bytes raw | bytes gzip -9 |\n|---|---|---|---|---|---:|---:|");
  for (const rate of [1, 4]) {
    for (const row of bj[rate]) {
      const first = mmm(row.first);
      const ready = row.ready.length ? fm(mmm(row.ready)) : "—";
      console.log(`| ${row.name} | ${rate}× | ${fm(first)} | ${f(first.median / floorAt(rate), 2)}× | ${ready} | ${row.raw} | ${row.gzip} |`);
    }
  }
}

/** Thrown to leave the run after (d) alone (BENCH_ONLY=prerender). */
class SkipRest extends Error {}

// ---------- main ----------
const t0 = Date.now();
const pre = await prerenderedPage();
const site = await serve(DIST, { "/bench-pre/": pre });
const browser = await launch();
try {
  if (process.env.BENCH_ONLY === "prerender") {
    console.log(`\n## (d) the diagram before JavaScript (${RUNS} fresh loads each, interleaved) …`);
    printBeforeJs(await beforeJs(browser, site.url, { pre }));
    throw new SkipRest();
  }
  const sizes = {};
  for (const lang of ["en", "zh-CN"]) {
    const x = (sizes[lang] = await bytes(browser, site.url, lang));
    console.log(`\n## (a) bytes a page with one element fetches, lang=${lang}\n`);
    console.log("| file | raw | gzip -9 |\n|---|---:|---:|");
    for (const y of x.list) console.log(`| ${y.file} | ${y.raw} | ${y.gzip} |`);
    console.log(`| **all** | **${x.raw}** | **${x.gzip}** |`);
  }
  const b = sizes.en;

  console.log(`\n## (b) first diagram (${RUNS} fresh loads each) …`);
  const fd = await firstDraw(browser, site.url);
  console.log(`element  synack-first-draw  min/median/max ${fm(fd.element, 1, " ms")}`);
  console.log(`element  first-contentful-paint         ${fm(fd.elementFcp, 1, " ms")}`);
  console.log(`floor    static-svg FCP                 ${fm(fd.floorFcp, 1, " ms")}`);
  console.log(`floor    static-svg load                ${fm(fd.floorLoad, 1, " ms")}`);

  const frames = {};
  for (const rate of [1, 4]) {
    console.log(`\n## (c) frame cost, CPU ${rate}× (${RUNS} runs × ${SECONDS} s each) …`);
    const ours = await frameCost(browser, site.url, "bench/element.html?scenario=full-lifecycle&speed=4&autoplay", rate);
    const floor = await frameCost(browser, site.url, `bench/bare-raf.html?n=${ARROWS}`, rate);
    frames[rate] = { ours, floor };
    for (const [name, r] of [["element full-lifecycle", ours], [`bare-raf n=${ARROWS}`, floor]]) {
      console.log(
        `${name.padEnd(24)} task/frame ${fm(r.task, 3, " ms")} · script/frame ${fm(r.script, 3, " ms")} · ` +
          `windows p50 ${f(r.p50, 3)} p95 ${f(r.p95, 3)} ms · fps ${fm(r.fps, 0)}` +
          (name.startsWith("element") ? ` · steps shown ${r.steps}, restarts ${r.restarts}` : ""),
      );
    }
  }

  console.log(`\n## (d) the diagram before JavaScript (${RUNS} fresh loads each, interleaved) …`);
  const bj = await beforeJs(browser, site.url, { pre });

  // ---------- summary ----------
  const gzKB = b.gzip / 1024;
  const drawRatio = fd.element.median / fd.floorFcp.median;
  const rows = [];
  const zh = sizes["zh-CN"];
  rows.push(["Element bytes, zh-CN page, gzip -9", `${f(zh.gzip / 1024, 1)} KB (JS ${f(zh.jsGzip / 1024, 1)} + wasm ${f(zh.wasmGzip / 1024, 1)})`, "—", "—", `≤ ${TARGET.gzipKB} KB`, ok(zh.gzip / 1024 <= TARGET.gzipKB)]);
  rows.unshift(["Element bytes, English page, gzip -9 (JS + wasm)", `${f(gzKB, 1)} KB (JS ${f(b.jsGzip / 1024, 1)} + wasm ${f(b.wasmGzip / 1024, 1)}); raw ${f(b.raw / 1024, 1)} KB`, "—", "—", `≤ ${TARGET.gzipKB} KB`, ok(gzKB <= TARGET.gzipKB)]);
  rows.push(["First diagram, ms from navigation (min / median / max)", fm(fd.element), `${fm(fd.floorFcp)} (static SVG FCP)`, `${f(drawRatio, 2)}×`, `≤ ${TARGET.firstDraw}×`, ok(drawRatio <= TARGET.firstDraw)]);
  for (const rate of [1, 4]) {
    const { ours, floor } = frames[rate];
    const r50 = ours.p50 / floor.p50;
    const r95 = ours.p95 / floor.p95;
    rows.push([
      `Main thread per frame, CPU ${rate}×, p50 / p95 (ms)`,
      `${f(ours.p50, 3)} / ${f(ours.p95, 3)}`,
      `${f(floor.p50, 3)} / ${f(floor.p95, 3)} (bare rAF, ${ARROWS} arrows)`,
      `${f(r50, 2)}× / ${f(r95, 2)}×`,
      `≤ ${TARGET.frame}×`,
      ok(r50 <= TARGET.frame && r95 <= TARGET.frame),
    ]);
    rows.push([
      `… per-run mean, CPU ${rate}× (min / median / max, ms)`,
      fm(ours.task, 3),
      fm(floor.task, 3),
      `${f(ours.task.median / floor.task.median, 2)}×`,
      "",
      "",
    ]);
  }
  console.log(`\n## Summary (paste into BENCHMARKS.md)\n`);
  console.log(`Chromium ${browser.version()}, headless, ${RUNS} runs each; ${new Date().toISOString().slice(0, 10)}; \`node scripts/bench.mjs\`.\n`);
  console.log("| measure | synack | floor | ratio | target | met |\n|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  printBeforeJs(bj);
  console.log(`\n(bench took ${f((Date.now() - t0) / 1000, 0)} s)`);
} catch (err) {
  if (!(err instanceof SkipRest)) throw err;
} finally {
  await browser.close();
  await site.close();
}
