// Browser tests of <synack-viz packetdrill="…"> (issue 17): the element plays a
// script against the engine (crates/synack-packetdrill-wasm) and draws what
// `synack run --packetdrill FILE --format json` reports, marking each `>` line
// matched, not matched or not reached; inline scripts; bad scripts; and a page
// without a script fetching none of it.
//
//   bash scripts/build-site.sh && node --test tests/e2e/packetdrill.test.mjs

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { launch, newPage } from "./browser.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..");
const DIST = process.env.SYNACK_DIST ?? join(REPO, "dist");
const SCRIPTS = join(REPO, "crates", "synack-packetdrill", "tests");

if (!existsSync(join(DIST, "synack", "packetdrill", "synack_packetdrill_wasm_bg.wasm"))) {
  throw new Error("dist/synack/packetdrill/ is missing: run `bash scripts/build-site.sh` first");
}

let browser;
let site;
let pages;
let cli;

const PAGE = (body, lang = "en") => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><link rel="icon" href="/favicon.svg"><title>synack e2e: packetdrill</title>
<script type="module" src="/synack/synack.js"></script></head>
<body>${body}</body></html>`;

before(async () => {
  execFileSync("cargo", ["build", "--quiet", "--locked", "-p", "synack-cli"], { cwd: REPO, stdio: "inherit" });
  cli = join(process.env.CARGO_TARGET_DIR ?? join(REPO, "target"), "debug", "synack");
  pages = await mkdtemp(join(tmpdir(), "synack-pd-e2e-"));
  await writeFile(join(pages, "blank.html"), PAGE(""));
  const inline = await readFile(join(SCRIPTS, "scripts", "close-in-syn-sent.pkt"), "utf8");
  await writeFile(
    join(pages, "inline.html"),
    PAGE(`<synack-viz id="viz" packetdrill="" controls><script type="text/x-packetdrill">\n${inline}</script></synack-viz>`, "zh-CN"),
  );
  await writeFile(join(pages, "plain.html"), PAGE(`<synack-viz id="viz" scenario="three-way-handshake"></synack-viz>`));
  await writeFile(join(pages, "bad.pkt"), "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > S. 0:0(0) ack 1 <sack 1:2>\n");
  site = await serve(DIST, { "/pd/": SCRIPTS, "/pdt/": pages });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (pages) await rm(pages, { recursive: true, force: true });
});

function cliJson(file) {
  try {
    return JSON.parse(execFileSync(cli, ["run", "--packetdrill", file, "--format", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  } catch (err) {
    // A mismatch exits 1 with the JSON on stdout.
    return JSON.parse(err.stdout);
  }
}

/** Places an element playing `src`, shows every step, and reads what it drew. */
async function played(page, src) {
  return page.evaluate(async (src) => {
    document.querySelector("#viz")?.remove();
    const viz = document.createElement("synack-viz");
    viz.id = "viz";
    viz.setAttribute("packetdrill", src);
    document.body.append(viz);
    const ok = await viz.ready;
    if (!ok) return { error: viz.shadowRoot.querySelector('[role="alert"]')?.textContent };
    await viz.seek(Infinity);
    const root = viz.shadowRoot;
    return {
      title: root.querySelector(".title span")?.textContent,
      verdict: root.querySelector(".packetdrill-verdict")?.textContent,
      lines: [...root.querySelectorAll(".packetdrill-script li")].map((li) => [Number(li.dataset.line), li.dataset.kind, li.dataset.state]),
      segments: [...root.querySelectorAll("g.segment")].map((g) => [g.dataset.flags, g.dataset.seq, g.dataset.ack, g.dataset.len]),
      // Every arrow opens its header; none offers to be lost.
      losable: [...root.querySelectorAll("g.segment")].filter((g) => g.getAttribute("aria-label").startsWith("Lose")).length,
      outcome: root.querySelector(".outcome")?.textContent ?? "",
      badges: [...root.querySelectorAll(".side .badge")].map((b) => b.textContent),
    };
  }, src);
}

test("each script draws what the CLI reports, every > line marked", { timeout: 120_000 }, async () => {
  const page = await newPage(browser);
  await page.goto(new URL("/pdt/blank.html", site.url).href);
  for (const file of ["scripts/active-open-close.pkt", "scripts/passive-open-close.pkt", "scripts/linger-zero.pkt", "wrong/unread-close-expects-fin.pkt"]) {
    const want = cliJson(join(SCRIPTS, file));
    const got = await played(page, `/pd/${file}`);
    assert.equal(got.error, undefined, `${file}: ${got.error}`);
    assert.equal(got.title, `packetdrill: /pd/${file}`);
    const sends = want.trace.events.filter((e) => e.kind === "send");
    assert.deepEqual(
      got.segments,
      sends.map((e) => [e.segment.flags.join(","), String(e.segment.seq), e.segment.ack === null ? "" : String(e.segment.ack), String(e.segment.len)]),
      `${file}: the segments the CLI reports`,
    );
    const checks = new Map(want.packetdrill.checks.map((c) => [c.line, c.matched ? "matched" : "mismatch"]));
    for (const [line, kind, state] of got.lines) {
      const expected = kind === "in" ? "in" : checks.get(line) ?? "unreached";
      assert.equal(state, expected, `${file}: line ${line}`);
    }
    assert.equal(got.losable, 0, `${file}: a script has no what-if`);
    if (want.packetdrill.verdict === "pass") {
      assert.match(got.verdict, /^Pass: the engine matched all \d+ expected/);
      assert.ok(got.lines.filter(([, kind]) => kind === "out").every(([, , state]) => state === "matched"));
    } else {
      assert.match(got.verdict, /^Mismatch at script line 14: expected `F\. 1:1\(0\) ack 101`, the engine sent `R\. 1:1\(0\) ack 101`/);
      assert.deepEqual(got.lines.find(([line]) => line === 14), [14, "out", "mismatch"]);
      assert.deepEqual(got.lines.find(([line]) => line === 15), [15, "in", "in"]);
    }
    assert.match(got.outcome, /^End: the engine \((client|server)\) is [A-Z-]+; the script stopped\./);
    // The scripted remote has no states: its badge says so instead of "CLOSED".
    const engine = want.packetdrill.engine;
    assert.equal(got.badges[engine === "client" ? 1 : 0], "script", `${file}: ${got.badges}`);
    assert.notEqual(got.badges[engine === "client" ? 0 : 1], "script");
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("an inline script plays, in the reader's language", { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  await page.goto(new URL("/pdt/inline.html", site.url).href);
  const got = await page.evaluate(async () => {
    const viz = document.querySelector("#viz");
    await viz.ready;
    await viz.seek(Infinity);
    const root = viz.shadowRoot;
    return {
      title: root.querySelector(".title span")?.textContent,
      verdict: root.querySelector(".packetdrill-verdict")?.textContent,
      rst: [...root.querySelectorAll("g.segment")].map((g) => g.dataset.flags).at(-1),
    };
  });
  assert.equal(got.title, "packetdrill：内嵌脚本");
  assert.match(got.verdict, /^通过/);
  assert.equal(got.rst, "RST");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a script outside the subset is refused by line and column", { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  await page.goto(new URL("/pdt/blank.html", site.url).href);
  const got = await played(page, "/pdt/bad.pkt");
  assert.match(got.error, /outside the subset synack plays: line 2, column 23: SACK blocks are not modelled/);
  const missing = await played(page, "/pdt/nothing-here.pkt");
  assert.match(missing.error, /could not read the script \/pdt\/nothing-here\.pkt: HTTP 404/);
  await page.close();
});

test("a page without a script fetches none of the runner", { timeout: 60_000 }, async () => {
  const page = await newPage(browser);
  const urls = [];
  page.on("request", (req) => urls.push(req.url()));
  await page.goto(new URL("/pdt/plain.html", site.url).href);
  await page.evaluate(() => document.querySelector("#viz").ready);
  assert.ok(urls.some((u) => u.endsWith("synack_wasm_bg.wasm")), "the engine loaded");
  assert.deepEqual(urls.filter((u) => /packetdrill/.test(u)), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});
