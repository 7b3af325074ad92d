// Browser tests of capture import (issue 5): <synack-viz capture="…"> against
// `synack import FILE --format json` on every committed fixture, the page's file
// picker and drag-and-drop, bad input, a large file read in the worker with a
// progress bar while the page keeps answering, no file bytes on the network, and
// a strict Content-Security-Policy.
//
//   bash scripts/build-site.sh && node --test tests/e2e/capture.test.mjs

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { ARTIFACTS, launch, newPage, screenshot } from "./browser.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..");
const DIST = process.env.SYNACK_DIST ?? join(REPO, "dist");
const CAPTURES = join(REPO, "crates", "synack-capture", "tests", "captures");
const TIMEOUT = 120_000;
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

if (!existsSync(join(DIST, "synack", "capture", "worker.js"))) {
  throw new Error("dist/synack/capture/worker.js is missing: run `bash scripts/build-site.sh` first");
}

let browser;
let site;
let pages; // a temporary folder served at /cap/: test pages and generated captures
let cli;

/** `synack import FILE --format json`, from the CLI built by cargo. */
/** Every connection of `file`, whole, as `synack import --connection N --format json` gives each. */
function imported(file) {
  const run = (...args) => JSON.parse(execFileSync(cli, ["import", file, "--format", "json", ...args], { encoding: "utf8" }));
  const { connections_total: n } = run();
  return Array.from({ length: n }, (_, i) => run("--connection", String(i + 1)).connection);
}

const PAGE = (body, lang = "en") => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg"><title>synack e2e: captures</title>
<script type="module" src="/synack/synack.js"></script></head>
<body>${body}</body></html>`;

before(async () => {
  execFileSync("cargo", ["build", "--quiet", "--locked", "-p", "synack-cli"], { cwd: REPO, stdio: "inherit" });
  cli = join(process.env.CARGO_TARGET_DIR ?? join(REPO, "target"), "debug", "synack");
  await mkdir(ARTIFACTS, { recursive: true });
  pages = await mkdtemp(join(tmpdir(), "synack-capture-e2e-"));
  await writeFile(join(pages, "blank.html"), PAGE(""));
  await writeFile(join(pages, "csp.html"), PAGE(`<synack-viz id="viz" capture="/samples/full-lifecycle.pcap" controls theme="dark"></synack-viz>`));
  await writeFile(join(pages, "zh.html"), PAGE(`<synack-viz id="viz" capture="/samples/syn-lost.pcap" controls></synack-viz>`, "zh-CN"));
  await writeFile(join(pages, "big.pcap"), bigCapture());
  await writeFile(join(pages, "many.pcap"), manyConnections(MANY));
  for (const f of readdirSync(CAPTURES)) await writeFile(join(pages, f), readFileSync(join(CAPTURES, f)));
  site = await serve(DIST, { "/cap/": pages }, {
    headers: (path) => (path === "/cap/csp.html" ? { "Content-Security-Policy": CSP } : {}),
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (pages) await rm(pages, { recursive: true, force: true });
});

/** Opens `path`, recording every request (URL, method, body size). */
async function open(path, options = {}) {
  const page = await newPage(browser, options);
  page.requests = [];
  page.on("request", (req) => page.requests.push({ url: req.url(), method: req.method(), body: req.postDataBuffer()?.length ?? 0 }));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await page.goto(new URL(path, site.url).href, { waitUntil: "load" });
  return page;
}

/**
 * Waits until `viz` (a selector) has read its capture or failed; returns
 * { error } or the connection list from the synack-capture event.
 */
function settled(page, selector) {
  return page.evaluate(
    (selector) =>
      new Promise((resolve) => {
        const viz = document.querySelector(selector);
        const done = () => {
          const alert = viz.shadowRoot?.querySelector('[role="alert"]');
          if (alert) return resolve({ error: alert.textContent });
          if (viz.shadowRoot?.querySelector(".capture-info")) {
            const which = viz.shadowRoot.querySelector(".capture-which").textContent;
            return resolve({ which });
          }
          return false;
        };
        if (done() !== false) return;
        viz.addEventListener("synack-capture", () => setTimeout(done), { once: true });
        viz.addEventListener("synack-error", () => setTimeout(done), { once: true });
      }),
    selector,
  );
}

/** Puts a new <synack-viz> with `attrs` on the page and waits for it. */
async function place(page, attrs) {
  await page.evaluate((attrs) => {
    document.querySelector("#viz")?.remove();
    const viz = document.createElement("synack-viz");
    viz.id = "viz";
    for (const [k, v] of Object.entries(attrs)) viz.setAttribute(k, v);
    document.body.append(viz);
  }, attrs);
  return settled(page, "#viz");
}

/** Everything drawn once every step is shown: segments with their labels, state pills in order. */
function drawn(page, selector = "#viz") {
  return page.evaluate(async (selector) => {
    const viz = document.querySelector(selector);
    await viz.seek(Infinity);
    const root = viz.shadowRoot;
    const segments = [...root.querySelectorAll("g.segment")].map((g) => ({
      dir: g.dataset.dir,
      flags: g.dataset.flags,
      seq: g.dataset.seq,
      ack: g.dataset.ack,
      len: g.dataset.len,
      retransmission: g.dataset.retransmission === "true",
      lost: g.dataset.lost === "true",
      label: root.querySelector(`g.seglabel[data-for="${g.dataset.id}"]`).textContent,
    }));
    const pills = [...root.querySelectorAll("g.pill title")].map((t) => t.textContent);
    const badges = Object.fromEntries([...root.querySelectorAll("[data-side]")].map((b) => [b.dataset.side, b.dataset.state]));
    return { segments, pills, badges, info: root.querySelector(".capture-info").textContent };
  }, selector);
}

/** What the element must show for one connection of `synack import --format json`. */
function expected(conn) {
  const segments = conn.segments.map((s) => {
    const words = [s.flags.join(","), `seq=${s.seq_rel}`];
    if (s.ack_rel !== null) words.push(`ack=${s.ack_rel}`);
    if (s.len > 0) words.push(`len=${s.len}`);
    // A closed window is shown (flow control): the window field as captured.
    if (s.win === 0 && !s.flags.includes("RST")) words.push("win=0");
    // A Fast Open option: the cookie request, or the cookie by its first 4 bytes.
    const tfo = s.options?.fast_open;
    if (tfo !== undefined) words.push(`tfo=${tfo ? `${tfo.slice(0, 8)}…` : "req"}`);
    return {
      dir: s.dir === "C>S" ? "c2s" : "s2c",
      flags: s.flags.join(","),
      seq: String(s.seq),
      ack: s.ack === null ? "" : String(s.ack),
      len: String(s.len),
      retransmission: s.retransmission,
      lost: s.lost,
      words,
    };
  });
  // The state a side starts in, when it is not CLOSED (a listening server, a
  // connection caught mid-way), is marked at the top of its lifeline.
  const changes = (side) => [
    ...(conn.initial[side] === "CLOSED" ? [] : [conn.initial[side]]),
    ...conn.states.filter((s) => s.side === side).map((s) => `${s.from} → ${s.to}`),
  ];
  return { segments, client: changes("client"), server: changes("server") };
}

function compare(got, conn, file) {
  const want = expected(conn);
  assert.equal(got.segments.length, want.segments.length, `${file}: every segment drawn`);
  got.segments.forEach((g, i) => {
    const w = want.segments[i];
    const { words, ...fields } = w;
    const { label, ...have } = g;
    assert.deepEqual(have, fields, `${file}: segment #${i + 1}`);
    // The label: "#1 SYN seq=0", with the relative numbers synack import prints.
    assert.equal(label.replace(/\s+/g, " ").trim(), `#${i + 1} ${words.join(" ")}`, `${file}: label of #${i + 1}`);
  });
  const pills = (side) => got.pills.filter((p) => p.startsWith(side === "client" ? "Client:" : "Server:")).map((p) => p.replace(/^\w+: /, "").replace(/ \(.*$/, ""));
  assert.deepEqual(pills("client"), want.client, `${file}: the client's state changes`);
  assert.deepEqual(pills("server"), want.server, `${file}: the server's state changes`);
  assert.deepEqual(got.badges, { client: conn.last.client, server: conn.last.server }, `${file}: the states after the last segment`);
}

/**
 * The page's errors, less one report that is not an error a reader meets:
 * Chromium at times reports a capture's fetch as net::ERR_ABORTED after every
 * byte of it was read (the diagram holds every segment: the tests compare them
 * all). Console errors, uncaught exceptions, HTTP errors and every other failed
 * request still count.
 */
/**
 * Opens the inspector on segment #1 of #viz and reads it: the header's cells as
 * [name, value], the explanations as "term| text", and whether it offers to lose
 * the segment.
 */
async function inspectFirst(page) {
  await page.locator('#viz g.seglabel[data-for="1"]').click();
  await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector("dialog.inspector[open] dl"), null, { timeout: 5_000 });
  return page.evaluate(() => {
    const d = document.querySelector("#viz").shadowRoot.querySelector("dialog.inspector");
    return {
      cells: [...d.querySelectorAll(".cell:not(.ruler)")].map((c) => [c.querySelector(".name")?.textContent ?? "", c.querySelector(".value").textContent]),
      lines: [...d.querySelectorAll("dt")].map((dt) => `${dt.textContent}| ${dt.nextElementSibling.textContent}`),
      lose: !!d.querySelector('[data-action="lose"]'),
    };
  });
}

function errorsOf(page) {
  return page.errors.filter((e) => !/^request failed: \S+\.pcap(ng)? \(net::ERR_ABORTED\)$/.test(e));
}

describe("<synack-viz capture> against synack import", () => {
  test("every committed fixture: same segments, numbers and state changes", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/blank.html");
    try {
      // Every one: the trace comes from the reader, which places each inferred change
      // as its observers made it (the bare RSTs that end linux-fin-wait-2-timeout.pcap
      // #2 and linux-synack-timeout.pcap answer the segment before them, and are
      // drawn after its arrival).
      for (const file of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
        const conns = imported(join(CAPTURES, file));
        for (let n = 1; n <= conns.length; n++) {
          const res = await place(page, { capture: `/cap/${file}`, connection: String(n), controls: "" });
          assert.equal(res.error, undefined, `${file} #${n} reads`);
          assert.equal(res.which, `Connection ${n} of ${conns.length}: client ${conns[n - 1].client}, server ${conns[n - 1].server}.`);
          compare(await drawn(page), conns[n - 1], `${file} #${n}`);
        }
      }
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("crossed FINs: each side moves to CLOSING below the arrival of the other's FIN", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/blank.html");
    try {
      await place(page, { capture: "/cap/simultaneous-close.pcap", controls: "" });
      const rows = await page.evaluate(async () => {
        const viz = document.querySelector("#viz");
        await viz.seek(Infinity);
        const root = viz.shadowRoot;
        const end = (flags, dir) => {
          const g = [...root.querySelectorAll("g.segment")].find((g) => g.dataset.flags === flags && g.dataset.dir === dir);
          return Number(g.querySelector("line:not(.hit)").getAttribute("y2"));
        };
        const pill = (who) => {
          const p = [...root.querySelectorAll("g.pill")].find((p) => p.querySelector("title").textContent.startsWith(`${who}: FIN-WAIT-1 → CLOSING`));
          return Number(p.querySelector("rect").getAttribute("y"));
        };
        return { clientFin: end("FIN,ACK", "c2s"), serverFin: end("FIN,ACK", "s2c"), server: pill("Server"), client: pill("Client") };
      });
      assert.ok(rows.server > rows.clientFin, `the server's CLOSING (y ${rows.server}) below the client's FIN arriving (y ${rows.clientFin})`);
      assert.ok(rows.client > rows.serverFin, `the client's CLOSING (y ${rows.client}) below the server's FIN arriving (y ${rows.serverFin})`);
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("a captured segment's header shows what the capture holds: Linux's SYN options, the checksum as sent", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/blank.html");
    try {
      const res = await place(page, { capture: "/cap/full-lifecycle.pcap" });
      assert.equal(res.error, undefined);
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const box = await inspectFirst(page);
      const cell = (name) => box.cells.find(([n]) => n === name)?.[1];
      assert.equal(cell("Sequence number"), "3619124020 (0)", "the SYN as captured, its relative number beside");
      assert.equal(cell("Data offset"), "10", "a 40-byte header");
      assert.deepEqual(box.cells.filter(([n]) => ["MSS", "SACK-perm", "TS", "NOP", "WS"].includes(n)).map(([n, v]) => `${n} ${v}`), ["MSS 1460", "SACK-perm ", "TS 2211643295/0", "NOP ", "WS 10"]);
      assert.match(cell("Checksum"), /^0x[0-9a-f]{4}$/, "the checksum the capture holds");
      assert.ok(box.lines.some((l) => l.startsWith("Checksum| 0x") && l.endsWith("as captured.")), box.lines.join("\n"));
      assert.equal(box.lose, false, "a recording has no what-if");
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("a Fast Open SYN: its label counts its data and names its cookie, and the inspector names the option and the cookie", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/blank.html");
    try {
      const conns = imported(join(CAPTURES, "fast-open.pcap"));
      const cookie = conns[1].segments[0].options.fast_open;
      assert.match(cookie, /^[0-9a-f]{16}$/, "an 8-byte cookie in the second SYN");
      const res = await place(page, { capture: "/cap/fast-open.pcap", connection: "2" });
      assert.equal(res.error, undefined);
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const label = await page.evaluate(() => document.querySelector("#viz").shadowRoot.querySelector('g.seglabel[data-for="1"]').textContent);
      assert.match(label.replace(/\s+/g, " "), /#1 SYN seq=0 len=47/);
      // The label names the option by the cookie's first bytes, as it came back.
      assert.ok(label.includes(`tfo=${cookie.slice(0, 8)}…`), label);
      const box = await inspectFirst(page);
      assert.deepEqual(box.cells.filter(([n]) => n === "TFO").map(([, v]) => v), [cookie]);
      assert.ok(box.lines.some((l) => l.startsWith("Options: TFO|") && l.includes(`cookie ${cookie}`) && l.includes("RFC 7413")), box.lines.join("\n"));
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("every connection of a capture is counted and any one can be chosen; the list offers the first 1000", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/blank.html");
    try {
      const detail = page.evaluate(
        () => new Promise((ok) => document.addEventListener("synack-capture", (e) => ok({ count: e.detail.count, listed: e.detail.list.length, last: e.detail.list.at(-1) }), { once: true })),
      );
      const res = await place(page, { capture: "/cap/many.pcap", connection: String(MANY - 1), controls: "" });
      assert.equal(res.which, `Connection ${MANY - 1} of ${MANY}: client 10.0.11.182:${1024 + MANY - 2}, server 10.99.0.2:80.`);
      assert.deepEqual(await detail, { count: MANY, listed: 1000, last: { client: "10.0.3.231:2023", server: "10.99.0.2:80", segments: 6, marks: [] } });
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("the default connection is the first; stepping fires synack-step with the recorded segment", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/blank.html");
    try {
      const conns = imported(join(CAPTURES, "two-interfaces.pcapng"));
      const res = await place(page, { capture: "/cap/two-interfaces.pcapng", controls: "" });
      assert.equal(res.which, `Connection 1 of 2: client ${conns[0].client}, server ${conns[0].server}.`);
      const first = await page.evaluate(async () => {
        const viz = document.querySelector("#viz");
        const seen = [];
        viz.addEventListener("synack-step", (e) => seen.push(e.detail));
        await viz.step();
        await viz.step();
        const root = viz.shadowRoot;
        return {
          seen: seen.map((d) => ({ index: d.index, kind: d.event.kind, flags: d.event.segment?.flags.join(",") })),
          narration: root.querySelector(".narration").textContent,
          // Every arrow opens its header; none offers to be lost.
          losable: [...root.querySelectorAll("g.segment")].filter((g) => g.getAttribute("aria-label").startsWith("Lose")).length,
          handshakeSelect: [...root.querySelectorAll(".controls label")].map((l) => l.firstChild.textContent),
        };
      });
      // Step 1: the client's connect, inferred (CLOSED → SYN-SENT), with its SYN; step 2: the SYN arrives.
      assert.deepEqual(first.seen, [{ index: 1, kind: "state", flags: undefined }, { index: 2, kind: "deliver", flags: "SYN" }]);
      assert.match(first.narration, /^[\d.]+ sSYN #1 reaches the server \(inferred\)\./);
      assert.equal(first.losable, 0, "a recorded segment cannot be lost on purpose");
      assert.deepEqual(first.handshakeSelect, ["Speed", "Numbers"], "no handshake, ISN or scenario control for a recording");
      // numbers="absolute": the raw sequence numbers in the labels.
      await page.evaluate(() => document.querySelector("#viz").setAttribute("numbers", "absolute"));
      await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector(".title small")?.textContent === "absolute numbers");
      const label = await page.evaluate(async () => {
        const viz = document.querySelector("#viz");
        await viz.seek(1);
        return viz.shadowRoot.querySelector("g.seglabel").textContent;
      });
      assert.match(label, new RegExp(`seq=${conns[0].segments[0].seq}\\b`));
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("Chinese narration says what was captured and what is inferred", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/zh.html", { width: 760, height: 1000 });
    try {
      await settled(page, "#viz");
      const text = await page.evaluate(async () => {
        const viz = document.querySelector("#viz");
        const out = [];
        for (let i = 0; i < 4; i++) {
          await viz.step();
          out.push(viz.shadowRoot.querySelector(".narration").textContent);
        }
        return { out, which: viz.shadowRoot.querySelector(".capture-which").textContent };
      });
      assert.match(text.which, /^第 1 条连接（共 1 条）：客户端 10\.99\.0\.1:\d+，服务器 10\.99\.0\.2:\d+。$/);
      assert.ok(text.out.some((s) => s.includes("抓包显示客户端发送了 SYN #1")), text.out.join("\n"));
      assert.ok(text.out.some((s) => s.includes("（推断）")), text.out.join("\n"));
      await screenshot(page, "capture-zh");
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });
});

describe("bad input", () => {
  test("each bad source says what is wrong, inside the element", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/blank.html");
    try {
      await writeFile(join(pages, "not.pcap"), "GIF89a this is an image, not a capture");
      await writeFile(join(pages, "cut.pcap"), readFileSync(join(CAPTURES, "full-lifecycle.pcap")).subarray(0, 300));
      await writeFile(join(pages, "udp.pcap"), udpOnly());
      await writeFile(join(pages, "empty.pcap"), "");
      const cases = [
        [{ capture: "/cap/not.pcap" }, "synack: /cap/not.pcap is not a pcap or pcapng capture."],
        [{ capture: "/cap/cut.pcap" }, /^synack: \/cap\/cut\.pcap is truncated: it ends inside a record that starts at byte \d+\.$/],
        [{ capture: "/cap/udp.pcap" }, "synack: /cap/udp.pcap holds no TCP segment among its 1 packets."],
        [{ capture: "/cap/empty.pcap" }, "synack: /cap/empty.pcap is empty; expected a pcap or pcapng capture."],
        [{ capture: "/cap/missing.pcap" }, "synack: Could not fetch /cap/missing.pcap: the server answered 404."],
        [{ capture: "/cap/full-lifecycle.pcap", connection: "3" }, 'synack: There is no such connection: the capture holds 1 (connection="1" to "1").'],
        [{ capture: "/cap/full-lifecycle.pcap", connection: "zero" }, 'synack: connection="zero" must be a whole number from 1'],
        [{ capture: "/cap/big.pcap", "capture-limit": "1" }, "synack: /cap/big.pcap is larger than 1 MiB, the most this page reads."],
      ];
      for (const [attrs, message] of cases) {
        const res = await place(page, attrs);
        if (message instanceof RegExp) assert.match(res.error ?? "", message);
        else assert.equal(res.error, message);
      }
      // The 404 itself is the only error the page saw (reads stopped on purpose at
      // the first bad byte end their fetch: net::ERR_ABORTED, left out by errorsOf).
      assert.deepEqual(errorsOf(page).filter((e) => !e.includes("/cap/missing.pcap")), []);
      await screenshot(page, "capture-bad-input");
    } finally {
      await page.closeAll();
    }
  });
});

describe("the project page", () => {
  test("the picker animates a file; a second connection can be chosen; nothing is uploaded", { timeout: TIMEOUT }, async () => {
    const page = await open("index.html");
    try {
      const sentence = await page.locator("[data-private]").textContent();
      assert.match(sentence, /Nothing is uploaded anywhere/);
      assert.ok(await page.locator("[data-private]").isVisible());
      await page.setInputFiles("[data-file]", join(CAPTURES, "two-interfaces.pcapng"));
      await page.waitForSelector("#capture synack-viz");
      const res = await settled(page, "#capture synack-viz");
      const conns = imported(join(CAPTURES, "two-interfaces.pcapng"));
      assert.equal(res.which, `Connection 1 of 2: client ${conns[0].client}, server ${conns[0].server}.`);
      assert.ok(await page.locator("[data-which]").isVisible(), "a file with two connections offers a choice");
      await page.selectOption("[data-connection]", "2");
      await page.waitForFunction(() => /^Connection 2 of 2/.test(document.querySelector("#capture synack-viz").shadowRoot.querySelector(".capture-which")?.textContent ?? ""));
      compare(await drawn(page, "#capture synack-viz"), conns[1], "two-interfaces #2 (picker)");
      const bodies = page.requests.filter((r) => r.body > 0 || r.method !== "GET");
      assert.deepEqual(bodies, [], "no request carries a body");
      assert.ok(page.requests.every((r) => r.url.startsWith(site.url) && !r.url.includes("two-interfaces")), "the file is never requested or sent");
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("a real drop event animates a file", { timeout: TIMEOUT }, async () => {
    const page = await open("index.html");
    try {
      const bytes = [...readFileSync(join(CAPTURES, "simultaneous-close.pcap"))];
      await page.evaluate((bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], "simultaneous-close.pcap"));
        const zone = document.querySelector("[data-drop]");
        zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, bytes);
      await page.waitForSelector("#capture synack-viz");
      await settled(page, "#capture synack-viz");
      const conns = imported(join(CAPTURES, "simultaneous-close.pcap"));
      compare(await drawn(page, "#capture synack-viz"), conns[0], "simultaneous-close (dropped)");
      assert.ok(await page.locator("[data-which]").isHidden(), "one connection: no choice shown");
      assert.ok(page.requests.every((r) => r.body === 0 && r.method === "GET"));
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("a large file: progress while reading, the page answers, a bounded window", { timeout: TIMEOUT }, async () => {
    const page = await open("index.html");
    try {
      await page.evaluate(() => {
        // A button of the page's own: its clicks must be handled during the import.
        const b = document.createElement("button");
        b.id = "poke";
        b.textContent = "poke";
        window.__pokes = 0;
        b.addEventListener("click", () => window.__pokes++);
        document.querySelector("#capture h2").after(b);
        window.__progress = [];
        const watch = () => {
          const bar = document.querySelector("#capture synack-viz")?.shadowRoot?.querySelector(".capture-progress progress");
          if (bar && bar.value > 0) {
            const last = window.__progress.at(-1);
            if (last !== bar.value) window.__progress.push(bar.value);
          }
          if (!document.querySelector("#capture synack-viz")?.shadowRoot?.querySelector(".capture-info")) requestAnimationFrame(watch);
        };
        requestAnimationFrame(watch);
      });
      const started = Date.now();
      await page.setInputFiles("[data-file]", join(pages, "big.pcap"));
      await page.waitForFunction(() => window.__progress.length >= 1);
      await page.click("#poke");
      const pokedDuring = await page.evaluate(() => ({
        pokes: window.__pokes,
        reading: !!document.querySelector("#capture synack-viz").shadowRoot.querySelector(".capture-progress"),
      }));
      await settled(page, "#capture synack-viz");
      const seconds = (Date.now() - started) / 1000;
      const progress = await page.evaluate(() => window.__progress);
      console.log(`# big.pcap (${(BIG_BYTES / 2 ** 20).toFixed(1)} MiB, ${BIG_SEGMENTS} segments): read in ${seconds.toFixed(2)} s; ${progress.length} progress values`);
      assert.ok(progress.length >= 2, `progress seen at least twice: ${progress}`);
      assert.ok(progress.every((v, i) => i === 0 || v > progress[i - 1]), "progress only grows");
      assert.deepEqual(pokedDuring, { pokes: 1, reading: true }, "a click was handled while the file was being read");
      const shown = await page.evaluate(async () => {
        const viz = document.querySelector("#capture synack-viz");
        await viz.seek(Infinity);
        const root = viz.shadowRoot;
        return { groups: root.querySelectorAll("g.segment").length, window: root.querySelector(".capture-window")?.textContent };
      });
      assert.equal(shown.groups, 300);
      assert.equal(shown.window, `Only the first 300 of this connection's ${BIG_SEGMENTS} segments are drawn; the other ${BIG_SEGMENTS - 300} are not shown.`);
      assert.ok(page.requests.every((r) => r.body === 0 && !r.url.includes("big.pcap")));
      await screenshot(page, "capture-large-1200", { fullPage: false });
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  test("a new file cancels the import under way", { timeout: TIMEOUT }, async () => {
    const page = await open("index.html");
    try {
      await page.setInputFiles("[data-file]", join(pages, "big.pcap"));
      await page.waitForFunction(() => document.querySelector("#capture synack-viz")?.shadowRoot?.querySelector(".capture-progress"));
      await page.setInputFiles("[data-file]", join(CAPTURES, "syn-lost.pcap"));
      const res = await settled(page, "#capture synack-viz");
      assert.match(res.which, /^Connection 1 of 1/);
      // The big file's late result must not replace the small one.
      await page.waitForTimeout(3000);
      const which = await page.evaluate(() => document.querySelector("#capture synack-viz").shadowRoot.querySelector(".capture-window"));
      assert.equal(which, null, "still the small file: no window note");
      const segs = await page.evaluate(() => document.querySelector("#capture synack-viz").shadowRoot.querySelector(".capture-which").textContent);
      assert.match(segs, /^Connection 1 of 1/);
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });

  for (const [width, scheme] of [[360, "light"], [360, "dark"], [1200, "light"], [1200, "dark"]]) {
    test(`screenshot of a sample at ${width} px, ${scheme}`, { timeout: TIMEOUT }, async () => {
      const page = await open("index.html", { width, height: 900, colorScheme: scheme });
      try {
        await page.click('[data-sample="samples/two-interfaces.pcapng"]');
        await page.waitForSelector("#capture synack-viz");
        await settled(page, "#capture synack-viz");
        await page.evaluate(() => document.querySelector("#capture synack-viz").seek(6));
        const box = await page.locator("#capture").boundingBox();
        await page.locator("#capture").screenshot({ path: join(ARTIFACTS, `capture-${width}-${scheme}.png`) });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, "nothing wider than the page");
        assert.ok(box.width <= width);
        assert.deepEqual(errorsOf(page), []);
      } finally {
        await page.closeAll();
      }
    });
  }
});

describe("a strict Content-Security-Policy", () => {
  test("the worker and its wasm load under default-src 'self'", { timeout: TIMEOUT }, async () => {
    const page = await open("cap/csp.html", { width: 900, height: 1100 });
    try {
      const res = await page.request.get(new URL("cap/csp.html", site.url).href);
      assert.equal(res.headers()["content-security-policy"], CSP);
      const out = await settled(page, "#viz");
      assert.match(out.which ?? "", /^Connection 1 of 1/);
      compare(await drawn(page), imported(join(CAPTURES, "full-lifecycle.pcap"))[0], "full-lifecycle under CSP");
      assert.deepEqual(await page.evaluate(() => window.__csp), []);
      await screenshot(page, "capture-csp");
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.closeAll();
    }
  });
});

// ---- captures made here ----

let BIG_BYTES = 0;
let BIG_SEGMENTS = 0;

/** The pcap global header: microsecond timestamps, Ethernet. */
function pcapHeader() {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(262144, 16);
  h.writeUInt32LE(1, 20);
  return h;
}

function sum16(buf, start, end, acc = 0) {
  for (let i = start; i + 1 < end; i += 2) acc += buf.readUInt16BE(i);
  if ((end - start) % 2) acc += buf[end - 1] << 8;
  return acc;
}

function fold(acc) {
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return ~acc & 0xffff;
}

/** One Ethernet/IPv4 packet record with a TCP segment (checksums right) or UDP. */
function packet(out, at, tUs, { src, dst, sport, dport, seq = 0, ack = 0, flags = 0, len = 0, udp = false }) {
  const l4 = udp ? 8 : 20;
  const ipLen = 20 + l4 + len;
  const rec = 16 + 14 + ipLen;
  out.writeUInt32LE(Math.floor(tUs / 1e6), at);
  out.writeUInt32LE(tUs % 1e6, at + 4);
  out.writeUInt32LE(14 + ipLen, at + 8);
  out.writeUInt32LE(14 + ipLen, at + 12);
  const e = at + 16;
  out.fill(0, e, e + 14 + ipLen);
  out.writeUInt16BE(0x0800, e + 12);
  const ip = e + 14;
  out[ip] = 0x45;
  out.writeUInt16BE(ipLen, ip + 2);
  out[ip + 8] = 64;
  out[ip + 9] = udp ? 17 : 6;
  out.writeUInt32BE(src, ip + 12);
  out.writeUInt32BE(dst, ip + 16);
  out.writeUInt16BE(fold(sum16(out, ip, ip + 20)), ip + 10);
  const t = ip + 20;
  out.writeUInt16BE(sport, t);
  out.writeUInt16BE(dport, t + 2);
  if (udp) {
    out.writeUInt16BE(8 + len, t + 4);
    return at + rec;
  }
  out.writeUInt32BE(seq >>> 0, t + 4);
  out.writeUInt32BE(ack >>> 0, t + 8);
  out[t + 12] = 5 << 4;
  out[t + 13] = flags;
  out.writeUInt16BE(65535, t + 14);
  // RFC 9293 §3.1: the checksum covers a pseudo-header, the header and the data.
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + 20 + len;
  out.writeUInt16BE(fold(sum16(out, t, t + 20 + len, pseudo)), t + 16);
  return at + rec;
}

const FIN = 1, SYN = 2, PSH = 8, ACK = 16;

/**
 * About 50 MiB: one connection that sends 110,000 segments of 400 bytes, the
 * server acknowledging every eighth, then a three-segment close.
 */
/** Connections in many.pcap: more than the 1000 the page lists. */
const MANY = 3000;

/** `n` short connections one after another (SYN, SYN,ACK, ACK, FIN each way, ACK), each from its own port. */
function manyConnections(n) {
  const per = 6;
  const out = Buffer.alloc(24 + n * per * (16 + 54));
  pcapHeader().copy(out, 0);
  let at = 24;
  let t = 1_000_000;
  for (let i = 0; i < n; i++) {
    const C = 0x0a000000 + i, S = 0x0a630002;
    const c = { src: C, dst: S, sport: 1024 + i, dport: 80 };
    const s = { src: S, dst: C, sport: 80, dport: 1024 + i };
    at = packet(out, at, (t += 100), { ...c, seq: 100, flags: SYN });
    at = packet(out, at, (t += 100), { ...s, seq: 900, ack: 101, flags: SYN | ACK });
    at = packet(out, at, (t += 100), { ...c, seq: 101, ack: 901, flags: ACK });
    at = packet(out, at, (t += 100), { ...c, seq: 101, ack: 901, flags: FIN | ACK });
    at = packet(out, at, (t += 100), { ...s, seq: 901, ack: 102, flags: FIN | ACK });
    at = packet(out, at, (t += 100), { ...c, seq: 102, ack: 902, flags: ACK });
  }
  return out.subarray(0, at);
}

function bigCapture() {
  const DATA = 110_000;
  const LEN = 400;
  const acks = Math.floor(DATA / 8);
  const count = 3 + DATA + acks + 3;
  const size = 24 + count * (16 + 54) + DATA * LEN;
  const out = Buffer.alloc(size);
  pcapHeader().copy(out, 0);
  const C = 0x0a630001, S = 0x0a630002;
  const c = { src: C, dst: S, sport: 40000, dport: 80 };
  const s = { src: S, dst: C, sport: 80, dport: 40000 };
  let at = 24;
  let t = 1_000_000;
  const cIsn = 1000, sIsn = 5000;
  at = packet(out, at, (t += 100), { ...c, seq: cIsn, flags: SYN });
  at = packet(out, at, (t += 100), { ...s, seq: sIsn, ack: cIsn + 1, flags: SYN | ACK });
  at = packet(out, at, (t += 100), { ...c, seq: cIsn + 1, ack: sIsn + 1, flags: ACK });
  let next = cIsn + 1;
  for (let i = 0; i < DATA; i++) {
    at = packet(out, at, (t += 10), { ...c, seq: next, ack: sIsn + 1, flags: ACK | PSH, len: LEN });
    next += LEN;
    if ((i + 1) % 8 === 0) at = packet(out, at, (t += 10), { ...s, seq: sIsn + 1, ack: next, flags: ACK });
  }
  at = packet(out, at, (t += 100), { ...c, seq: next, ack: sIsn + 1, flags: FIN | ACK });
  at = packet(out, at, (t += 100), { ...s, seq: sIsn + 1, ack: next + 1, flags: FIN | ACK });
  at = packet(out, at, (t += 100), { ...c, seq: next + 1, ack: sIsn + 2, flags: ACK });
  BIG_BYTES = at;
  BIG_SEGMENTS = count;
  return out.subarray(0, at);
}

/** A capture of one UDP datagram: no TCP at all. */
function udpOnly() {
  const out = Buffer.alloc(24 + 16 + 14 + 28 + 4);
  pcapHeader().copy(out, 0);
  packet(out, 24, 0, { src: 0x0a630001, dst: 0x0a630002, sport: 5353, dport: 53, len: 4, udp: true });
  return out;
}
