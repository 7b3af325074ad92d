// Browser tests of <synack-viz> against the built site (dist/, from
// `bash scripts/build-site.sh`). Each test looks at what a reader sees: the shadow
// DOM's segments and state badges, the narration, the outcome, errors shown in
// the element, and the page's console.
//
//   bash scripts/build-site.sh && node --test tests/e2e/
//
// Screenshots go to tests/artifacts/ (gitignored).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { launch, newPage, screenshot } from "./browser.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "..", "..");
const DIST = process.env.SYNACK_DIST ?? join(REPO, "dist"); // another build, for checking the tests themselves
const PAGES = join(HERE, "pages");
const TIMEOUT = 30_000;

if (!existsSync(join(DIST, "synack", "synack.js"))) {
  throw new Error("dist/synack/synack.js is missing: run `bash scripts/build-site.sh` first");
}

/** The catalogue ids, read from the engine's source so the test follows it. */
function catalogueIds() {
  const src = readFileSync(join(REPO, "crates", "synack-core", "src", "catalogue.rs"), "utf8");
  return [...src.matchAll(/^\s*id: "([a-z0-9-]+)",/gm)].map((m) => m[1]);
}

let browser;
let site;
const allErrors = []; // every page's errors, for the last test

before(async () => {
  site = await serve(DIST, { "/test-pages/": PAGES });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Opens a page and records its errors for the final check. */
async function open(path, options) {
  const page = await newPage(browser, options);
  page.path = path;
  await page.goto(new URL(path, site.url).href, { waitUntil: "load" });
  return page;
}

async function done(page) {
  allErrors.push(...page.errors.map((e) => `${page.path}: ${e}`));
  await page.closeAll();
}

/** Waits until every `synack-viz` matching `selector` has drawn (or failed); returns their `ready` values. */
async function whenReady(page, selector = "synack-viz") {
  return page.evaluate(async (selector) => {
    await customElements.whenDefined("synack-viz");
    const els = [...document.querySelectorAll(selector)];
    const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error(`${selector}: not ready after 15 s`)), 15_000));
    return Promise.race([Promise.all(els.map((el) => Promise.resolve(el.ready))), timeout]);
  }, selector);
}

/** What the reader sees in one element: per panel, its states, segments, narration and outcome. */
function snapshot(page, selector) {
  return page.evaluate((selector) => {
    const root = document.querySelector(selector).shadowRoot;
    return [...root.querySelectorAll(".panel")].map((panel) => ({
      heading: panel.querySelector("h3")?.textContent ?? "",
      client: panel.querySelector('[data-side="client"][data-state]')?.dataset.state ?? null,
      server: panel.querySelector('[data-side="server"][data-state]')?.dataset.state ?? null,
      segments: [...panel.querySelectorAll("g.segment")].map((g) => ({ ...g.dataset })),
      narration: panel.querySelector(".narration")?.textContent.trim() ?? null,
      outcome: panel.querySelector(".outcome")?.textContent.trim() ?? null,
    }));
  }, selector);
}

/** Steps `selector` until `step()` resolves null (at most `limit` times); returns the events and the synack-step details. */
function stepToEnd(page, selector, limit = 200) {
  return page.evaluate(
    async ({ selector, limit }) => {
      const el = document.querySelector(selector);
      const details = [];
      const onStep = (e) => details.push(JSON.parse(JSON.stringify(e.detail)));
      el.addEventListener("synack-step", onStep);
      const events = [];
      const states = [];
      let ended = false;
      for (let i = 0; i < limit; i++) {
        const e = await el.step();
        if (e === null) {
          ended = true;
          break;
        }
        events.push(JSON.parse(JSON.stringify(e)));
        const badge = (side) => el.shadowRoot.querySelector(`[data-side="${side}"][data-state]`)?.dataset.state;
        states.push([badge("client"), badge("server")]);
      }
      el.removeEventListener("synack-step", onStep);
      return { events, details, states, ended };
    },
    { selector, limit },
  );
}

/** Steps until the element shows at least one g.segment; returns how many steps it took. */
function stepUntilSegment(page, selector) {
  return page.evaluate(async (selector) => {
    const el = document.querySelector(selector);
    for (let i = 1; i <= 50; i++) {
      if ((await el.step()) === null) return -1;
      if (el.shadowRoot.querySelector("g.segment")) return i;
    }
    return -1;
  }, selector);
}

/** The contract: every g.segment is one segment sent, numbered by data-id. */
function assertSegmentsNumbered(panel) {
  const bad = panel.segments.filter((s) => !/^[1-9]\d*$/.test(s.id ?? ""));
  assert.deepEqual(bad, [], `every g.segment has a data-id (found ${bad.length} g.segment without one, of ${panel.segments.length})`);
}

describe("pages", () => {
  test("the gallery shows one element per catalogue entry, two comparisons and the sandbox", { timeout: TIMEOUT }, async () => {
    const ids = catalogueIds();
    assert.equal(ids.length, 25, `catalogue.rs lists ${ids.length} ids`);
    const page = await open("index.html", { width: 1200, height: 900 });
    try {
      const ready = await whenReady(page);
      const info = await page.evaluate(() =>
        [...document.querySelectorAll("synack-viz")].map((el) => ({
          scenario: el.getAttribute("scenario"),
          compare: el.getAttribute("compare"),
          sandbox: el.getAttribute("mode") === "sandbox",
          svg: !!el.shadowRoot?.querySelector(".panel svg"),
          alert: el.shadowRoot?.querySelector('[role="alert"]')?.textContent ?? null,
        })),
      );
      const plain = info.filter((e) => e.compare === null && !e.sandbox);
      const compared = info.filter((e) => e.compare !== null);
      assert.deepEqual(compared.map((e) => e.compare), ["", "no-time-wait"], "the handshakes' comparison and TIME-WAIT's");
      assert.equal(info.filter((e) => e.sandbox).length, 1, "one sandbox");
      assert.deepEqual(plain.map((e) => e.scenario ?? "three-way-handshake").sort(), [...ids].sort(), "one element per catalogue entry");
      assert.equal(info.length, ids.length + 3, "one per catalogue entry, two comparisons and the sandbox");
      assert.deepEqual(info.filter((e) => e.alert !== null).map((e) => `${e.scenario}: ${e.alert}`), [], "no element shows an error");
      assert.ok(info.every((e) => e.svg), "every element drew its diagram");
      assert.ok(ready.every((r) => r !== false), "every element's ready resolved true");
      await page.waitForTimeout(700); // let first arrows finish sliding
      await screenshot(page, "index-1200");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("the gallery fits a 360 px phone screen", { timeout: TIMEOUT }, async () => {
    const page = await open("index.html", { width: 360, height: 800 });
    try {
      await whenReady(page);
      await page.waitForTimeout(700);
      await screenshot(page, "index-360");
      const wide = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        elements: [...document.querySelectorAll("synack-viz")]
          .map((el) => ({ id: el.getAttribute("scenario") ?? "(compare)", right: Math.round(el.getBoundingClientRect().right) }))
          .filter((e) => e.right > innerWidth),
        // Parts of an element's shadow DOM (controls, panels) drawn past its own right edge get clipped.
        clipped: [...document.querySelectorAll("synack-viz")].flatMap((el) => {
          const edge = el.getBoundingClientRect().right + 1;
          return [...el.shadowRoot.querySelectorAll("*")]
            .filter((n) => !(n instanceof SVGElement) || n.localName === "svg")
            .filter((n) => {
              const r = n.getBoundingClientRect();
              return r.width > 0 && r.right > edge;
            })
            .map((n) => `${el.getAttribute("scenario") ?? "(compare)"}: <${n.localName}${n.className ? ` class="${n.className.baseVal ?? n.className}"` : ""}> ${Math.round(n.getBoundingClientRect().right - edge + 1)} px past the element's edge`);
        }),
      }));
      assert.deepEqual(page.errors, []);
      assert.deepEqual(wide.elements, [], "no element sticks out past the right edge");
      assert.deepEqual(wide.clipped.slice(0, 6), [], `nothing inside an element is cut off at its right edge (${wide.clipped.length} in all)`);
      assert.ok(wide.page <= 361, `the page scrolls sideways: ${wide.page} px wide at 360 px`);
    } finally {
      await done(page);
    }
  });

  test("the sample post loads with several elements", { timeout: TIMEOUT }, async () => {
    const page = await open("post.html", { width: 1000, height: 900 });
    try {
      const ready = await whenReady(page);
      assert.ok(ready.length >= 2, `post.html has ${ready.length} <synack-viz> elements`);
      const drawn = await page.evaluate(() =>
        [...document.querySelectorAll("synack-viz")].map((el) => ({
          svg: !!el.shadowRoot.querySelector(".panel svg"),
          alert: el.shadowRoot.querySelector('[role="alert"]')?.textContent ?? null,
        })),
      );
      assert.deepEqual(drawn.filter((d) => !d.svg || d.alert), [], "every element drew a diagram and shows no error");
      await page.waitForTimeout(700);
      await screenshot(page, "post");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });
});

describe("the element", () => {
  test("steps through the three-way handshake", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/handshake.html");
    try {
      assert.equal((await whenReady(page, "#viz"))[0], true);
      const [before] = await snapshot(page, "#viz");
      assert.equal(before.client, "CLOSED", "client before any step");
      assert.equal(before.server, "CLOSED", "server before any step");
      assert.equal(before.segments.length, 0, "no segment before any step");
      assert.equal(before.outcome, "", "no outcome before the end");

      const run = await stepToEnd(page, "#viz");
      assert.ok(run.ended, "step() resolved null at the end");
      assert.ok(run.events.length >= 3, `${run.events.length} steps`);
      // One synack-step per step, carrying the event step() resolved to.
      assert.equal(run.details.length, run.events.length, "one synack-step event per step");
      run.details.forEach((d, i) => {
        assert.ok(d.event && typeof d.event === "object", `synack-step #${i + 1} has detail.event`);
        assert.deepEqual(d.event, run.events[i], `synack-step #${i + 1} carries the event step() returned`);
        assert.equal(d.index, i + 1, `synack-step #${i + 1} detail.index`);
      });
      // The states the reader sees go through the handshake in order.
      const clientSeen = [...new Set(run.states.map((s) => s[0]))];
      const serverSeen = [...new Set(run.states.map((s) => s[1]))];
      assert.deepEqual(clientSeen.filter((s) => s !== "CLOSED"), ["SYN-SENT", "ESTABLISHED"], "client states in order");
      assert.deepEqual(serverSeen.filter((s) => s !== "CLOSED"), ["LISTEN", "SYN-RECEIVED", "ESTABLISHED"], "server states in order");

      const [end] = await snapshot(page, "#viz");
      assertSegmentsNumbered(end);
      const seen = end.segments.map(({ id, dir, flags, seq, ack, len }) => ({ id, dir, flags, seq, ack, len }));
      assert.deepEqual(seen, [
        { id: "1", dir: "c2s", flags: "SYN", seq: "100", ack: "", len: "0" },
        { id: "2", dir: "s2c", flags: "SYN,ACK", seq: "300", ack: "101", len: "0" },
        { id: "3", dir: "c2s", flags: "ACK", seq: "101", ack: "301", len: "0" },
      ]);
      assert.ok(end.segments.every((s) => s.lost === undefined && s.retransmission === undefined), "nothing lost or resent");
      assert.equal(end.client, "ESTABLISHED");
      assert.equal(end.server, "ESTABLISHED");
      assert.match(end.narration, /\S/, "narration says something");
      assert.match(end.outcome, /ESTABLISHED/, "outcome shown at the end");

      // The arrows point the right way once they have landed, from lifeline to lifeline.
      await page.waitForTimeout(600);
      const arrows = await page.evaluate(() => {
        const root = document.querySelector("#viz").shadowRoot;
        const lifelines = [...root.querySelectorAll("line.lifeline")].map((l) => Number(l.getAttribute("x1"))).sort((a, b) => a - b);
        return {
          lifelines,
          lines: [...root.querySelectorAll("g.segment")].map((g) => {
            const l = g.querySelector("line");
            return { dir: g.dataset.dir, x1: +l.getAttribute("x1"), x2: +l.getAttribute("x2"), y1: +l.getAttribute("y1"), y2: +l.getAttribute("y2") };
          }),
        };
      });
      assert.equal(arrows.lifelines.length, 2, "two lifelines");
      const [xc, xs] = arrows.lifelines;
      for (const a of arrows.lines) {
        const [from, to] = a.dir === "c2s" ? [xc, xs] : [xs, xc];
        assert.ok(Math.abs(a.x1 - from) < 2 && Math.abs(a.x2 - to) < 2, `${a.dir} arrow runs ${a.x1}→${a.x2}, lifelines ${xc}, ${xs}`);
        assert.ok(a.y2 > a.y1, "arrows slope down (time runs down)");
      }
      await screenshot(page, "handshake-end");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("the comparison shows two-way and three-way side by side", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/compare.html", { width: 1200, height: 900 });
    try {
      assert.equal((await whenReady(page, "#viz"))[0], true);
      const start = await snapshot(page, "#viz");
      assert.equal(start.length, 2, "two panels");
      assert.ok(start.every((p) => p.client === "CLOSED" && p.server === "CLOSED"), "both panels start CLOSED");
      assert.ok(start.every((p) => p.outcome === ""), "no outcome before the end");

      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const end = await snapshot(page, "#viz");
      assert.equal(end.length, 2, "two panels");
      const two = end.find((p) => /two-way/i.test(p.heading));
      const three = end.find((p) => /three-way/i.test(p.heading));
      assert.ok(two && three, `panel headings: ${end.map((p) => JSON.stringify(p.heading)).join(", ")}`);
      assert.notEqual(two, three);
      for (const p of end) {
        assertSegmentsNumbered(p);
        assert.ok(p.client && p.server, `panel "${p.heading}" shows both states`);
        assert.match(p.outcome, /\S/, `panel "${p.heading}" shows an outcome`);
      }
      // The one assumption is stated above the diagrams: by default a silent client.
      const assume = () => page.evaluate(() => document.querySelector("#viz").shadowRoot.querySelector(".assume")?.textContent ?? "");
      assert.match(await assume(), /says nothing.*TCP would reset it/);
      assert.equal(two.server, "ESTABLISHED", "two-way: the server is fooled into ESTABLISHED");
      assert.match(two.outcome, /no client asked/i, "two-way outcome says no client asked for it");
      assert.match(two.outcome, /retries until it gives up/, "the two-way side stops once its point is made, and says what follows");
      assert.ok(!end.some((p) => p.segments.some((s) => s.flags.split(",").includes("RST"))), "a silent client resets nothing");
      assert.equal(three.client, "ESTABLISHED");
      assert.equal(three.server, "ESTABLISHED");
      assert.match(three.outcome, /never heard of it/, "three-way: the unconfirmed entry is dropped unseen");
      assert.ok(three.segments.some((s) => s.stale === "true" && s.flags === "SYN"), "the old duplicate SYN is drawn");
      const steps = await page.evaluate(() => document.querySelector("#viz").length);
      assert.ok(steps <= 12, `the point lands in ${steps} steps, not 25`);
      // A step that moves only one diagram says so in the other, instead of
      // repeating its sentence as if "Next" had done nothing.
      const idle = await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        const out = [];
        for (let k = 1; k <= el.length; k++) {
          await el.seek(k);
          out.push([...el.shadowRoot.querySelectorAll(".narration")].map((n) => n.classList.contains("idle")));
        }
        const n = el.shadowRoot.querySelector(".narration.idle");
        return { out, before: n ? getComputedStyle(n, "::before").content : null };
      });
      assert.ok(idle.out.some(([a, b]) => a !== b), "some steps move one diagram only");
      assert.ok(idle.out.every(([a, b]) => !(a && b)), "every step moves at least one diagram");
      assert.match(idle.before, /Nothing new in this diagram at this step/);
      await screenshot(page, "compare-end");

      // The reader switches the client to TCP's own rule: both clients reset, both
      // servers end up with the real connection, and what differs is that the
      // two-way server's application was handed the stale one first.
      await page.evaluate(() => {
        const select = document.querySelector("#viz").shadowRoot.querySelector('select[data-control="unexpected-answer"]');
        select.value = "reset";
        select.dispatchEvent(new Event("change"));
      });
      await page.waitForFunction(() => document.querySelector("#viz").getAttribute("unexpected-answer") === "reset");
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const reset = await snapshot(page, "#viz");
      const [two2, three2] = [/two-way/i, /three-way/i].map((re) => reset.find((p) => re.test(p.heading)));
      assert.match(await assume(), /resets an answer.*as TCP does/);
      for (const p of [two2, three2]) {
        assert.ok(p.segments.some((s) => s.flags === "RST" && s.dir === "c2s"), `${p.heading}: the client resets the stale answer`);
        assert.equal(p.server, "ESTABLISHED");
        assert.equal(p.client, "ESTABLISHED");
      }
      assert.match(two2.outcome, /handed its application a connection that no client asked for/);
      assert.match(three2.outcome, /never heard of it/);
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("in a comparison one number means one segment, in both diagrams; losing one still works", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/compare.html", { width: 1200, height: 900 });
    try {
      await whenReady(page, "#viz");
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const [two, three] = await snapshot(page, "#viz");
      const label = (s) => `${s.dir} ${s.flags} ${s.seq} ${s.ack}`;
      const byId = (p) => new Map(p.segments.map((s) => [s.id, label(s)]));
      const a = byId(two);
      const b = byId(three);
      for (const [id, seg] of a) if (b.has(id)) assert.equal(b.get(id), seg, `#${id} is the same segment in both`);
      // The runs part ways after the stale SYN,ACK: two-way's challenge ACK (#4)
      // has no twin, and the SYN both clients send again is #5 on both sides.
      assert.equal(a.get("4"), "s2c ACK 301 91");
      assert.ok(!b.has("4"), "three-way has no #4");
      assert.equal(a.get("5"), b.get("5"));
      assert.match(a.get("5"), /^c2s SYN 100 /);
      // Losing #5 in the three-way diagram loses that SYN there (its engine knows it by another number).
      await page.evaluate(() => document.querySelector("#viz").dropSegment(5, null));
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const after = await snapshot(page, "#viz");
      for (const p of after) {
        const lost = p.segments.filter((s) => s.lost === "true");
        assert.equal(lost.length, 1, `${p.heading}: one segment lost`);
        assert.match(label(lost[0]), /^c2s SYN 100 /, `${p.heading}: the retransmitted SYN is the one lost`);
      }
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("a comparison exports both diagrams: Mermaid in two boxes, SVG headings clear of the names", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/compare.html", { width: 1200, height: 900 });
    try {
      await whenReady(page, "#viz");
      const out = await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        await el.seek(Infinity);
        const text = await el.exportSvg();
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        // Render it and measure: no heading may overlap another text of the header.
        const host = document.createElement("div");
        host.innerHTML = text.replace(/^<\?xml[^>]*>/, "");
        document.body.append(host);
        const texts = [...host.querySelectorAll("svg > g > text, svg > text")].map((n) => { const b = n.getBoundingClientRect(); return { s: n.textContent, l: b.left, r: b.right, t: b.top, b: b.bottom }; });
        host.remove();
        const overlaps = [];
        for (const [i, a] of texts.entries()) for (const b of texts.slice(i + 1)) {
          if (a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b) overlaps.push(`${a.s} / ${b.s}`);
        }
        return { mermaid: await el.exportMermaid(), overlaps, segments: doc.querySelectorAll("g.segment").length, live: el.shadowRoot.querySelectorAll("g.segment").length };
      });
      assert.deepEqual(out.overlaps, []);
      assert.equal(out.segments, out.live, "both panels' segments are in the file");
      assert.match(out.mermaid, /^sequenceDiagram\n  box Two-way handshake\n  participant C1 as Client\n  participant S1 as Server\n  end\n  box Three-way handshake\n  participant C2 as Client\n  participant S2 as Server\n  end\n/);
      assert.match(out.mermaid, /C1->>S1: #35;2 SYN seq=0/, "the two-way panel's stale SYN");
      assert.match(out.mermaid, /S2->>C2: #35;7 SYN,ACK seq=0 ack=1/, "the three-way panel's real SYN,ACK");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("dropping the SYN: dropSegment() and a click on the arrow both resend it", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/drop.html", { width: 1000, height: 1400 });
    try {
      await whenReady(page);
      for (const how of ["api", "click"]) {
        const sel = `#${how}`;
        const steps = await stepUntilSegment(page, sel);
        assert.ok(steps > 0, `${how}: a segment appears after some steps`);
        const [mid] = await snapshot(page, sel);
        assertSegmentsNumbered(mid);
        assert.equal(mid.segments.length, 1, `${how}: exactly one segment so far`);
        const first = mid.segments[0];
        assert.equal(first.flags, "SYN");
        assert.equal(first.seq, "100");
        assert.equal(first.lost, undefined, `${how}: not lost yet`);
        if (how === "api") {
          await page.evaluate(async ({ sel, id }) => document.querySelector(sel).dropSegment(id), { sel, id: Number(first.id) });
        } else {
          // A reader clicks the arrow while it is in flight.
          await page.locator(`${sel} g.segment[data-id="${first.id}"]`).click({ timeout: 5_000 });
          await page.waitForFunction(
            (sel) => document.querySelector(sel).shadowRoot.querySelector('g.segment[data-lost="true"]'),
            sel,
            { timeout: 5_000 },
          );
        }
        const run = await stepToEnd(page, sel);
        assert.ok(run.ended, `${how}: reached the end`);
        const [end] = await snapshot(page, sel);
        const lost = end.segments.filter((s) => s.lost === "true");
        assert.equal(lost.length, 1, `${how}: one segment drawn as lost`);
        assert.equal(lost[0].flags, "SYN");
        assert.equal(lost[0].seq, "100");
        const lostId = Number(lost[0].id);
        const resent = end.segments.filter((s) => Number(s.id) > lostId && s.flags === "SYN" && s.seq === "100");
        assert.equal(resent.length, 1, `${how}: the SYN is sent again`);
        assert.equal(resent[0].retransmission, "true", `${how}: marked as a retransmission`);
        assert.equal(end.client, "ESTABLISHED", `${how}: the connection still opens`);
        assert.equal(end.server, "ESTABLISHED");
      }
      await page.waitForTimeout(600);
      await screenshot(page, "drop-end");

      // "Replay my losses" starts again with the loss; "Restart" forgets it.
      const lostNow = async (sel) => (await snapshot(page, sel))[0].segments.filter((s) => s.lost === "true").length;
      // (These elements have no controls: the buttons' actions, through the same API.)
      const replayHidden = () => page.evaluate(() => document.querySelector("#click").shadowRoot.querySelector('button[data-action="replay"]').hidden);
      assert.equal(await replayHidden(), false, "a loss offers to be replayed");
      await page.evaluate(() => document.querySelector("#click").reset());
      await page.evaluate(() => document.querySelector("#click").seek(Infinity));
      assert.equal(await lostNow("#click"), 1, "replay keeps the reader's loss");
      await page.evaluate(() => document.querySelector("#click").restart());
      assert.equal(await page.evaluate(() => document.querySelector("#click").current), null, "restart goes to the first step");
      await page.evaluate(() => document.querySelector("#click").seek(Infinity));
      assert.equal(await lostNow("#click"), 0, "restart returns to the scenario as given");
      assert.equal(await replayHidden(), true, "nothing left to replay");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("on a phone a comparison shows one diagram at a time, under tabs that mark the other when it moves", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/compare.html", { width: 360, height: 740 });
    const view = () => page.evaluate(() => {
      const root = document.querySelector("#viz").shadowRoot;
      const shown = (n) => n.getBoundingClientRect().height > 0;
      return {
        tabs: shown(root.querySelector(".tabs")),
        selected: [...root.querySelectorAll('.tabs [role="tab"]')].map((b) => b.getAttribute("aria-selected")),
        marked: [...root.querySelectorAll('.tabs [role="tab"]')].map((b) => b.classList.contains("news")),
        panels: [...root.querySelectorAll(".panel")].map((p) => (shown(p) ? p.querySelector("h3").textContent : null)),
        height: document.querySelector("#viz").getBoundingClientRect().height,
      };
    });
    try {
      await whenReady(page, "#viz");
      let v = await view();
      assert.equal(v.tabs, true, "tabs on a phone");
      assert.deepEqual(v.panels, ["Two-way handshake", null], "one diagram at a time");
      assert.deepEqual(v.selected, ["true", "false"]);
      // Step until the hidden three-way diagram moves: its tab says so.
      let marked = false;
      for (let i = 0; i < 12 && !marked; i++) {
        await page.evaluate(() => document.querySelector("#viz").step());
        marked = (await view()).marked[1];
      }
      assert.ok(marked, "the hidden diagram's tab is marked when a step changes it");
      await page.locator('#viz .tabs [data-tab="1"]').click();
      v = await view();
      assert.deepEqual(v.panels, [null, "Three-way handshake"]);
      assert.deepEqual(v.marked, [false, false], "seen: the mark goes");
      await screenshot(page, "compare-tabs-360");
      // Wide: both side by side, no tabs.
      await page.setViewportSize({ width: 1200, height: 900 });
      await page.waitForTimeout(300);
      v = await view();
      assert.equal(v.tabs, false);
      assert.deepEqual(v.panels, ["Two-way handshake", "Three-way handshake"]);
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("compare beyond handshakes: without TIME-WAIT, abort() for close(), Linux's defaults for the RFC's", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/variants.html", { width: 1200, height: 900 });
    try {
      await whenReady(page);
      const got = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("synack-viz")].map((el) => {
        const r = el.shadowRoot;
        return [el.id, {
          alert: r.querySelector('[role="alert"]')?.textContent ?? null,
          assume: r.querySelector(".assume")?.textContent ?? null,
          panels: [...r.querySelectorAll(".panel")].map((p) => ({
            heading: p.querySelector("h3").textContent,
            flags: [...p.querySelectorAll("g.segment")].map((g) => g.dataset.flags + (g.dataset.lost ? " lost" : "")),
            client: p.querySelector('[data-side="client"]').dataset.state,
            outcome: p.querySelector(".outcome").textContent,
          })),
        }];
      })));
      // The lost final ACK: TIME-WAIT answers the FIN sent again; without it, a closed port resets.
      const [none, tw] = got.tw.panels;
      assert.deepEqual([none.heading, tw.heading], ["Without TIME-WAIT (counterfactual)", "With TIME-WAIT"]);
      assert.deepEqual(none.flags.slice(-3), ["ACK lost", "FIN,ACK", "RST"]);
      assert.deepEqual(tw.flags.slice(-3), ["ACK lost", "FIN,ACK", "ACK"]);
      assert.match(none.outcome, /The connection was reset\./);
      assert.match(tw.outcome, /closed the connection cleanly/);
      assert.match(got.tw.assume, /forgets the connection as soon as its last ACK is sent/);
      // abort() where the scenario closes: a RST instead of FIN and ACK, FIN and ACK.
      const [abort, close] = got.abort.panels;
      assert.deepEqual(abort.flags, ["SYN", "SYN,ACK", "ACK", "RST,ACK"]);
      assert.deepEqual(close.flags.slice(3), ["FIN,ACK", "ACK", "FIN,ACK", "ACK"]);
      // Linux and the RFC open alike; the difference is in the headers (the inspector) and timers.
      assert.deepEqual(got.linux.panels.map((p) => p.heading), ["Linux's defaults", "RFC 9293"]);
      await page.locator('#linux .panel:first-child g.seglabel[data-for="1"]').click();
      await page.waitForFunction(() => document.querySelector("#linux").shadowRoot.querySelector("dialog.inspector[open]"), null, { timeout: 5_000 });
      const syn = await page.evaluate(() => [...document.querySelector("#linux").shadowRoot.querySelectorAll("dialog.inspector .cell:not(.ruler)")]
        .map((c) => [c.querySelector(".name")?.textContent ?? "", c.querySelector(".value").textContent]));
      assert.deepEqual(syn.find(([n]) => n === "Data offset"), ["Data offset", "10"], "Linux's SYN: 40 bytes of header");
      assert.deepEqual(syn.filter(([n]) => ["MSS", "SACK-perm", "TS", "NOP", "WS"].includes(n)).map(([n]) => n), ["MSS", "SACK-perm", "TS", "NOP", "WS"], "options in the order Linux writes them");
      await page.keyboard.press("Escape");
      // A variant that changes nothing is refused in the element, by name.
      assert.match(got.none.alert, /variant abort: the scenario never calls close\(\)/);
      await screenshot(page, "compare-variants");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("a click on an arrow or its label opens the segment's TCP header; in flight, it offers the loss", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/handshake.html", { width: 760, height: 900 });
    /** The open inspector as a reader sees it: its title, the header's cells and the lines below. */
    const header = () => page.evaluate(() => {
      const box = document.querySelector("#viz").shadowRoot.querySelector("dialog.inspector");
      if (!box?.open) return null;
      const cells = [...box.querySelectorAll(".header .cell:not(.ruler)")].map((c) => [c.querySelector(".name")?.textContent ?? "", c.querySelector(".value").textContent]);
      const r = box.getBoundingClientRect();
      return {
        title: box.querySelector("h2").textContent,
        cells,
        lines: [...box.querySelectorAll("dt")].map((dt) => `${dt.textContent}| ${dt.nextElementSibling.textContent}`),
        lose: !!box.querySelector('button[data-action="lose"]'),
        inView: r.top >= 0 && r.bottom <= innerHeight && r.width > 300,
      };
    });
    try {
      await whenReady(page, "#viz");
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      // The SYN,ACK, by its label: 32-bit rows, the bits as 0/1, the MSS option.
      await page.locator('#viz g.seglabel[data-for="2"]').click();
      await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector("dialog.inspector[open]"), null, { timeout: 5_000 });
      const synAck = await header();
      assert.equal(synAck.title, "Segment #2: SYN,ACK, Server → Client");
      const cell = (name) => synAck.cells.find(([n]) => n === name)?.[1];
      assert.equal(cell("Source port"), "80");
      assert.equal(cell("Destination port"), "49152");
      assert.equal(cell("Sequence number"), "300 (0)", "absolute, with the relative number beside it");
      assert.equal(cell("Acknowledgment number"), "101 (1)");
      assert.equal(cell("Data offset"), "6", "20 bytes and a 4-byte MSS option: 6 words");
      assert.deepEqual(["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"].map(cell), ["0", "0", "0", "1", "0", "0", "1", "0"]);
      assert.equal(cell("MSS"), "1460");
      assert.equal(cell("Window"), "65535");
      assert.ok(synAck.lines.includes("Data offset| 6: The header is 6 × 4 = 24 bytes: 20 fixed and 4 of options."), synAck.lines.join("\n"));
      assert.ok(synAck.lines.some((l) => l.startsWith("Sequence number| 300: The sender's initial sequence number (ISN).")), synAck.lines.join("\n"));
      assert.ok(synAck.lines.some((l) => l.startsWith("Options: MSS| Maximum segment size: the sender takes at most 1460 bytes")));
      assert.equal(synAck.lose, false, "a delivered segment cannot be lost any more");
      assert.ok(synAck.inView, "the header shows in the window");
      await screenshot(page, "inspector-syn-ack");
      await page.keyboard.press("Escape");
      assert.equal(await header(), null, "Escape closes it");
      // The keyboard: the final ACK, focused and opened with Enter.
      await page.locator('#viz g.segment[data-id="3"]').focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector("dialog.inspector[open]"), null, { timeout: 5_000 });
      const ack = await header();
      assert.equal(ack.title, "Segment #3: ACK, Client → Server");
      assert.ok(ack.lines.includes("Sequence number| 101: The sender's next number. This segment carries no data, SYN or FIN, so it uses none."), ack.lines.join("\n"));
      assert.ok(ack.cells.some(([n, v]) => n === "Data offset" && v === "5"));
      await page.keyboard.press("Escape");
      // In flight: the label opens the header, which offers to lose the segment.
      await page.evaluate(() => document.querySelector("#viz").restart());
      await stepUntilSegment(page, "#viz");
      await page.locator('#viz g.seglabel[data-for="1"]').click();
      await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector("dialog.inspector[open]"), null, { timeout: 5_000 });
      assert.equal((await header()).lose, true, "a segment in flight can still be lost from its header");
      await page.locator('#viz dialog.inspector button[data-action="lose"]').click();
      await page.waitForFunction(() => document.querySelector("#viz").shadowRoot.querySelector('g.segment[data-lost="true"]'), null, { timeout: 5_000 });
      assert.equal(await header(), null, "losing it closes the header");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  for (const [file, bad] of [["bad-scenario", "no-such"], ["bad-isn", "-5"]]) {
    test(`a bad attribute (${file}) shows a readable error in the element`, { timeout: TIMEOUT }, async () => {
      const page = await open(`test-pages/${file}.html`, { width: 800, height: 400 });
      try {
        const [ready] = await whenReady(page, "#viz");
        assert.notEqual(ready, true, "ready does not claim success");
        const shown = await page.evaluate(() => {
          const root = document.querySelector("#viz").shadowRoot;
          const alert = root.querySelector('[role="alert"]');
          const r = alert?.getBoundingClientRect();
          return { text: alert?.textContent ?? null, visible: !!r && r.width > 0 && r.height > 0, svg: !!root.querySelector("svg") };
        });
        assert.ok(shown.text !== null, "an element with role=alert");
        assert.ok(shown.text.includes(bad), `the message names the bad value ${bad}: ${JSON.stringify(shown.text)}`);
        assert.ok(shown.visible, "the message is visible");
        assert.equal(shown.svg, false, "no diagram drawn from bad input");
        await screenshot(page, `error-${file}`);
        assert.deepEqual(page.errors.filter((e) => e.startsWith("uncaught")), [], "no uncaught exception");
        assert.deepEqual(page.errors, []);
      } finally {
        await done(page);
      }
    });
  }

  test("a figure reads like a figure: without controls the whole diagram shows, and Play is there", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/blank.html", { width: 900, height: 800 });
    try {
      const place = (html) => page.evaluate(async (html) => {
        const root = document.getElementById("root");
        root.innerHTML = html;
        await customElements.whenDefined("synack-viz");
        const el = root.firstElementChild;
        await el.ready;
        await new Promise((r) => setTimeout(r, 50));
        const r = el.shadowRoot;
        const shown = (q) => { const n = r.querySelector(q); return !!n && n.getClientRects().length > 0; };
        return {
          k: el.current === null ? 0 : Number(r.querySelector(".count")?.textContent.split("/")[0]),
          length: el.length,
          outcome: r.querySelector(".outcome")?.textContent.trim() ?? "",
          play: shown('button[data-action="play"]'),
          settings: shown(".controls"),
          share: shown(".share"),
          alert: r.querySelector('[role="alert"]')?.textContent ?? null,
        };
      }, html);
      // No controls: the end, with its outcome; playback to replay it; no settings or exports.
      const figure = await place(`<synack-viz scenario="four-way-teardown"></synack-viz>`);
      assert.equal(figure.k, figure.length, "starts at the end");
      assert.match(figure.outcome, /closed the connection cleanly/);
      assert.equal(figure.play, true, "a Play button, so the figure is never stuck");
      assert.equal(figure.settings, false, "settings come with controls");
      assert.equal(figure.share, false, "exports come with controls (they used to show without them)");
      // With controls the lesson starts at step 0; start= picks another.
      const lesson = await place(`<synack-viz scenario="four-way-teardown" controls></synack-viz>`);
      assert.equal(lesson.k, 0);
      assert.equal(lesson.settings && lesson.share, true);
      assert.equal((await place(`<synack-viz scenario="four-way-teardown" controls start="end"></synack-viz>`)).k, lesson.length);
      assert.equal((await place(`<synack-viz scenario="four-way-teardown" start="4"></synack-viz>`)).k, 4);
      assert.equal((await place(`<synack-viz scenario="four-way-teardown" start="0"></synack-viz>`)).outcome, "");
      assert.match((await place(`<synack-viz scenario="four-way-teardown" start="soon"></synack-viz>`)).alert, /start="soon" must be end or a step number/);
      // No handshake to choose where none can happen.
      const selects = (html) => page.evaluate(async (html) => {
        const root = document.getElementById("root");
        root.innerHTML = html;
        const el = root.firstElementChild;
        await el.ready;
        return [...el.shadowRoot.querySelectorAll(".controls label")].map((l) => l.firstChild.textContent);
      }, html);
      assert.ok(!(await selects(`<synack-viz scenario="connection-refused" controls></synack-viz>`)).includes("Handshake"));
      assert.ok((await selects(`<synack-viz scenario="syn-lost" controls></synack-viz>`)).includes("Handshake"));
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("the key explains every arrow and each state shown, with the name ss prints", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/blank.html", { width: 900, height: 800 });
    try {
      const key = await page.evaluate(async () => {
        const root = document.getElementById("root");
        root.innerHTML = `<synack-viz scenario="three-way-handshake"></synack-viz>`;
        await customElements.whenDefined("synack-viz");
        const el = root.firstElementChild;
        await el.ready;
        const segments = el.shadowRoot.querySelectorAll("g.segment").length;
        const box = el.shadowRoot.querySelector("details.legend");
        box.open = true;
        for (let i = 0; i < 100 && box.querySelectorAll("dt").length === 0; i++) await new Promise((r) => setTimeout(r, 50));
        return {
          summary: box.querySelector("summary").textContent,
          samples: box.querySelectorAll("li svg g.sample").length,
          tip: box.querySelector(".tip")?.textContent ?? "",
          states: [...box.querySelectorAll("dt")].map((d) => d.textContent),
          meaning: box.querySelector("dd")?.textContent ?? "",
          segments: [segments, el.shadowRoot.querySelectorAll("g.segment").length],
        };
      });
      assert.equal(key.summary, "Key: arrows and states");
      assert.equal(key.samples, 5, "solid, dashed, stale, reset and lost arrows");
      assert.match(key.tip, /Click or tap an arrow while it is in flight/);
      assert.deepEqual(key.states, ["LISTEN (ss: LISTEN)", "SYN-SENT (ss: SYN-SENT)", "SYN-RECEIVED (ss: SYN-RECV)", "ESTABLISHED (ss: ESTAB)"]);
      assert.match(key.meaning, /waiting for a connection request/);
      assert.equal(key.segments[0], key.segments[1], "the key's samples are not segments");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("numbers=\"symbolic\" labels segments as textbooks do: seq=x, ack=x+1, seq=y", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/blank.html", { width: 900, height: 800 });
    try {
      const got = await page.evaluate(async () => {
        const root = document.getElementById("root");
        root.innerHTML = `<synack-viz scenario="half-open" numbers="symbolic"></synack-viz>`;
        await customElements.whenDefined("synack-viz");
        const el = root.firstElementChild;
        await el.ready;
        const r = el.shadowRoot;
        return {
          note: r.querySelector(".title small").textContent,
          labels: [...r.querySelectorAll("g.seglabel")].map((g) => g.textContent),
        };
      });
      assert.match(got.note, /^x = client's ISN 100, y = server's ISN 300$/);
      assert.deepEqual(got.labels.slice(0, 6), [
        "#1 SYN seq=x", "#2 SYN,ACK seq=y ack=x+1", "#3 ACK seq=x+1 ack=y+1",
        "#4 SYN seq=x′", "#5 ACK seq=y+1 ack=x+1", "#6 RST seq=x+1",
      ]);
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("autoplay with reduced motion shows the figure instead of animating", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/blank.html", { width: 900, height: 800, reducedMotion: "reduce" });
    try {
      const state = await page.evaluate(async () => {
        const root = document.getElementById("root");
        root.innerHTML = `<synack-viz scenario="three-way-handshake" autoplay></synack-viz>`;
        await customElements.whenDefined("synack-viz");
        const el = root.firstElementChild;
        await el.ready;
        await new Promise((r) => setTimeout(r, 1500));
        return { playing: el.shadowRoot.querySelector('[data-action="play"]').getAttribute("aria-label"), atEnd: (await el.step()) === null };
      });
      assert.deepEqual(state, { playing: "Play", atEnd: true });
    } finally {
      await done(page);
    }
  });

  for (const [width, height] of [[1366, 768], [360, 640]]) {
    test(`stepping keeps the step, its narration and the controls in view (${width}×${height})`, { timeout: TIMEOUT }, async () => {
      // The sample post's comparison: 2,265 px tall in a 720 px column, 3,685 px on a phone.
      const page = await open("post.html", { width, height });
      try {
        const sel = "synack-viz[compare][scenario=\"old-duplicate-syn\"]";
        await whenReady(page, sel);
        await page.evaluate((sel) => document.querySelector(sel).scrollIntoView({ block: "start" }), sel);
        const problems = [];
        for (let k = 1; k <= 8; k++) {
          await page.locator(`${sel} button[data-action="step"]`).click();
          await page.waitForTimeout(700);
          const v = await page.evaluate((sel) => {
            const el = document.querySelector(sel);
            const r = el.shadowRoot;
            const inView = (n) => { const b = n.getBoundingClientRect(); return b.top >= -1 && b.bottom <= innerHeight + 1; };
            // The panels the reader sees (stacked on a phone, the first one).
            const panels = [...r.querySelectorAll(".panel")].filter((p) => { const b = p.getBoundingClientRect(); return b.top < innerHeight && b.bottom > 0; });
            const newest = panels.map((p) => {
              const g = [...p.querySelectorAll("g.segment")].pop();
              if (!g) return true;
              const line = g.querySelector("line").getBoundingClientRect();
              const narr = p.querySelector(".narration").getBoundingClientRect();
              return line.top < narr.top; // the arrow starts above the sticky narration
            });
            return {
              step: inView(r.querySelector('button[data-action="step"]')),
              narration: panels.length > 0 && panels.every((p) => inView(p.querySelector(".narration"))),
              newest: newest.every(Boolean),
            };
          }, sel);
          for (const [what, ok] of Object.entries(v)) if (!ok) problems.push(`step ${k}: ${what} out of view`);
        }
        await screenshot(page, `follow-${width}`);
        assert.deepEqual(problems, []);
      } finally {
        await done(page);
      }
    });
  }

  test("every catalogue scenario plays to an outcome (screenshots of each at the end)", { timeout: 60_000 }, async () => {
    const page = await open("test-pages/blank.html", { width: 900, height: 800 });
    try {
      const problems = [];
      for (const id of catalogueIds()) {
        const result = await page.evaluate(async (id) => {
          const root = document.getElementById("root");
          root.innerHTML = `<synack-viz id="viz" scenario="${id}" numbers="absolute"></synack-viz>`;
          await customElements.whenDefined("synack-viz");
          const el = root.firstElementChild;
          const ok = await el.ready;
          await el.seek(Infinity);
          const panel = el.shadowRoot.querySelector(".panel");
          return {
            ok,
            alert: el.shadowRoot.querySelector('[role="alert"]')?.textContent ?? null,
            outcome: panel?.querySelector(".outcome")?.textContent.trim() ?? "",
            segments: panel?.querySelectorAll("g.segment[data-id]").length ?? 0,
            client: panel?.querySelector('[data-side="client"]')?.dataset.state,
            server: panel?.querySelector('[data-side="server"]')?.dataset.state,
            final: (() => {
              // The badges agree with the outcome line ("End: client X, server Y").
              const m = /client ([A-Z-]+), server ([A-Z-]+)/.exec(panel?.querySelector(".outcome")?.textContent ?? "");
              return m ? [m[1], m[2]] : null;
            })(),
          };
        }, id);
        await page.waitForTimeout(100);
        await page.locator("#viz").screenshot({ path: join(HERE, "..", "artifacts", `scenario-${id}.png`) });
        if (result.ok !== true || result.alert) problems.push(`${id}: not drawn (${result.alert})`);
        else if (!result.outcome) problems.push(`${id}: no outcome at the end`);
        else if (result.segments === 0) problems.push(`${id}: no segment drawn`);
        else if (result.final && (result.final[0] !== result.client || result.final[1] !== result.server)) {
          problems.push(`${id}: badges say ${result.client}/${result.server}, outcome says ${result.final.join("/")}`);
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("ISNs typed in the controls reach the segments; New ISNs picks new ones", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/controls.html");
    try {
      await whenReady(page);
      const input = page.locator('#viz input[aria-label="Initial sequence number of the client"]');
      await input.fill("4294967295");
      await input.press("Enter");
      await input.blur();
      await page.waitForFunction(() => document.querySelector("#viz").getAttribute("isn-client") === "4294967295");
      await whenReady(page);
      await stepToEnd(page, "#viz");
      const [end] = await snapshot(page, "#viz");
      assert.equal(end.segments[0].flags, "SYN");
      assert.equal(end.segments[0].seq, "4294967295", "the typed ISN is the SYN's sequence number");
      assert.equal(end.segments[1].ack, "0", "ISN 4294967295 is acknowledged with 0");
      const before = end.segments[1].seq;
      await page.locator('#viz button[data-action="new-isns"]').click();
      await page.waitForFunction(() => !document.querySelector("#viz").hasAttribute("isn-client"));
      await stepToEnd(page, "#viz");
      const [fresh] = await snapshot(page, "#viz");
      assert.notEqual(fresh.segments[0].seq, "4294967295", "a new client ISN");
      assert.notEqual(fresh.segments[1].seq, before, "a new server ISN");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("two elements on one page step independently", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/two.html");
    try {
      assert.deepEqual(await whenReady(page), [true, true]);
      const steps = await stepUntilSegment(page, "#one");
      assert.ok(steps > 0);
      const [one] = await snapshot(page, "#one");
      const [two] = await snapshot(page, "#two");
      assert.equal(one.client, "SYN-SENT", "the stepped element moved on");
      assert.equal(one.segments.length, 1);
      assert.equal(two.client, "CLOSED", "the other stays CLOSED");
      assert.equal(two.server, "CLOSED");
      assert.equal(two.segments.length, 0);
      // And the other way round: stepping the second leaves the first where it was.
      await page.evaluate(async () => {
        const el = document.querySelector("#two");
        while ((await el.step()) !== null);
      });
      const [oneAfter] = await snapshot(page, "#one");
      const [twoAfter] = await snapshot(page, "#two");
      assert.deepEqual(oneAfter, one, "the first element did not change");
      assert.equal(twoAfter.client, "ESTABLISHED");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });
});

describe("the sandbox", () => {
  /** What the reader sees: the moves attribute, the segments, both badges, the narration. */
  const state = (page) => page.evaluate(() => {
    const el = document.querySelector("#viz");
    const r = el.shadowRoot;
    return {
      actions: el.getAttribute("actions"),
      segments: [...r.querySelectorAll("g.segment")].map((g) => g.dataset.flags + (g.dataset.lost ? " lost" : "")),
      badges: [...r.querySelectorAll(".badge")].map((b) => b.textContent),
      narration: r.querySelector(".narration")?.textContent ?? "",
      alert: r.querySelector('[role="alert"]')?.textContent ?? null,
    };
  });
  const call = async (page, side, name) => {
    const before = (await state(page)).actions;
    await page.locator(`#viz .sandbox button[data-side="${side}"][data-call="${name}"]`).click();
    await page.waitForFunction((before) => {
      const el = document.querySelector("#viz");
      return el.getAttribute("actions") !== before && el.shadowRoot.querySelector(".sandbox");
    }, before, { timeout: 5_000 });
    await page.waitForTimeout(100);
  };
  const stepTo = (page, n) => page.evaluate(async (n) => { for (let i = 0; i < n; i++) await document.querySelector("#viz").step(); }, n);

  test("the reader delays a SYN in flight: the client sends it again, and the late one meets a connection", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/sandbox.html", { width: 1000, height: 1000 });
    try {
      await whenReady(page, "#viz");
      await call(page, "server", "listen");
      await call(page, "client", "connect");
      // A click now holds a segment back 3 s instead of losing it.
      await page.locator('#viz .sandbox select[data-action="click"]').selectOption("3000000");
      await page.locator('#viz g.segment.in-flight[data-flags="SYN"]').click();
      await page.waitForFunction(() => /-w\.1\.3000000$/.test(document.querySelector("#viz").getAttribute("actions")), null, { timeout: 5_000 });
      // The choice stays as the reader left it after the run is drawn again.
      assert.equal(await page.locator('#viz .sandbox select[data-action="click"]').inputValue(), "3000000");
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const s = await state(page);
      // RFC 6298: the RTO (1 s) sends the SYN again, and that one opens the
      // connection; the first SYN, 3 s late, finds it ESTABLISHED and is answered
      // with a challenge ACK (RFC 9293 §3.10.7.4, RFC 5961 §4).
      assert.deepEqual(s.segments, ["SYN", "SYN", "SYN,ACK", "ACK", "ACK"]);
      assert.deepEqual(s.badges, ["ESTABLISHED", "ESTABLISHED"]);
      const late = await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        await el.seek(0);
        for (let i = 0; i < 60; i++) {
          await el.step();
          const e = el.current;
          if (e?.kind === "deliver" && e.id === 1) return e.t_us;
        }
        return null;
      });
      assert.equal(late, 3_050_000, "segment #1 arrives 3 s after its 50 ms");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("the reader makes a simultaneous close, loses a segment, and undoes; a link replays it", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/sandbox.html", { width: 1000, height: 1000 });
    try {
      await whenReady(page, "#viz");
      let s = await state(page);
      assert.deepEqual(s.badges, ["CLOSED", "CLOSED"], "nothing has happened yet");
      assert.deepEqual(s.segments, []);
      const note = await page.evaluate(() => document.querySelector("#viz").shadowRoot.querySelector(".title small").textContent);
      assert.equal(note, "", "no ISN to name before any call");
      await call(page, "server", "listen");
      await call(page, "client", "connect");
      s = await state(page);
      assert.deepEqual(s.badges, ["SYN-SENT", "LISTEN"], "each call is shown as it is made");
      assert.deepEqual(s.segments, ["SYN"]);
      await stepTo(page, 6);
      assert.deepEqual((await state(page)).badges, ["ESTABLISHED", "ESTABLISHED"]);
      // Both close at the same moment: their FINs cross (RFC 9293 Fig. 13).
      await call(page, "client", "close");
      await call(page, "server", "close");
      s = await state(page);
      assert.deepEqual(s.badges, ["FIN-WAIT-1", "FIN-WAIT-1"]);
      await stepTo(page, 4);
      s = await state(page);
      assert.ok(s.narration.includes("CLOSING"), `the crossing FINs: ${s.narration}`);
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      s = await state(page);
      assert.deepEqual(s.segments, ["SYN", "SYN,ACK", "ACK", "FIN,ACK", "FIN,ACK", "ACK", "ACK"]);
      assert.ok(s.actions.startsWith("s.listen.0-c.connect.0-c.close."), s.actions);
      // Undo takes the server's close back: now only the client closes.
      await page.locator('#viz .sandbox button[data-action="undo"]').click();
      await page.waitForFunction(() => document.querySelector("#viz").getAttribute("actions").split("-").length === 3, null, { timeout: 5_000 });
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      s = await state(page);
      assert.deepEqual(s.badges, ["FIN-WAIT-2", "CLOSE-WAIT"], "half closed: the server never called close()");
      // Lose the client's FIN by clicking it in flight: TCP sends it again.
      await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        await el.seek(0);
        for (let i = 0; i < 40 && !el.shadowRoot.querySelector('g.segment.in-flight[data-flags="FIN,ACK"]'); i++) await el.step();
      });
      await page.locator('#viz g.segment.in-flight[data-flags="FIN,ACK"]').click();
      await page.waitForFunction(() => /-d\.4$/.test(document.querySelector("#viz").getAttribute("actions")), null, { timeout: 5_000 });
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      s = await state(page);
      assert.deepEqual(s.segments.filter((f) => f.startsWith("FIN")), ["FIN,ACK lost", "FIN,ACK"], "lost, then sent again");
      await screenshot(page, "sandbox");
      // The link in the address bar opens the same run.
      const link = await page.evaluate(() => location.href);
      const again = await open(link.replace(/^https?:\/\/[^/]+\//, ""), { width: 1000, height: 1000 });
      try {
        await whenReady(again, "#viz");
        await again.evaluate(() => document.querySelector("#viz").seek(Infinity));
        assert.deepEqual((await state(again)).segments, s.segments, "the permalink replays the reader's moves");
      } finally {
        await done(again);
      }
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("the reader's server takes the connection with accept(), and its close() with a request unread is a RST", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/sandbox.html", { width: 1000, height: 1000 });
    const marks = () => page.evaluate(() => [...document.querySelector("#viz").shadowRoot.querySelectorAll("g.mark text")].map((t) => t.textContent));
    try {
      await whenReady(page, "#viz");
      await call(page, "server", "listen");
      await call(page, "client", "connect");
      await stepTo(page, 6);
      assert.deepEqual((await state(page)).badges, ["ESTABLISHED", "ESTABLISHED"]);
      // The listener's queues, backlog 1 (2 places each): the connection waits in the accept queue.
      assert.deepEqual((await marks()).filter((m) => /queue/.test(m)), ["SYN queue 1/2", "SYN queue 0/2", "accept queue 1/2"]);
      await call(page, "server", "accept");
      assert.ok((await marks()).includes("accept queue 0/2"), `accept() takes it: ${await marks()}`);
      // The server's application stops reading; the client's request arrives unread.
      await page.locator('#viz .sandbox input[data-reads="server"]').uncheck();
      await page.waitForFunction(() => /s\.noread/.test(document.querySelector("#viz").getAttribute("actions")), null, { timeout: 5_000 });
      await page.waitForTimeout(100);
      await call(page, "client", "send");
      await stepTo(page, 3);
      await call(page, "server", "close");
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const s = await state(page);
      assert.deepEqual(s.segments, ["SYN", "SYN,ACK", "ACK", "PSH,ACK", "ACK", "RST,ACK"], "a RST, not a FIN");
      assert.deepEqual(s.badges, ["CLOSED", "LISTEN"], "the connection is gone; the listening socket it came from still listens");
      assert.match(s.actions, /^s\.listen\.0-c\.connect\.0-s\.accept\.\d+-s\.noread-c\.send\.\d+-s\.close\.\d+$/);
      const told = await page.evaluate(async () => {
        const el = document.querySelector("#viz");
        const lines = [];
        for (let k = 1; k <= el.length; k++) { await el.seek(k); lines.push(el.shadowRoot.querySelector(".narration").textContent); }
        return lines.join("\n");
      });
      assert.match(told, /closed its socket with received bytes still unread/, "the narration says why");
      // Undo the close, read() the request first, and close again: now a FIN.
      const undo = async () => {
        const before = (await state(page)).actions;
        await page.locator('#viz .sandbox button[data-action="undo"]').click();
        await page.waitForFunction((b) => document.querySelector("#viz").getAttribute("actions") !== b, before, { timeout: 5_000 });
        await page.waitForTimeout(100);
      };
      await undo();
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      await call(page, "server", "read");
      await call(page, "server", "close");
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      const read = await state(page);
      assert.ok(read.segments.includes("FIN,ACK") && !read.segments.includes("RST,ACK"), `read() before close(): a FIN, ${read.segments}`);
      await undo();
      await undo();
      await call(page, "server", "close");
      // Ticked again, the application reads: close() sends a FIN.
      await page.locator('#viz .sandbox input[data-reads="server"]').check();
      await page.waitForFunction(() => !/noread/.test(document.querySelector("#viz").getAttribute("actions")), null, { timeout: 5_000 });
      await page.waitForTimeout(100);
      await page.evaluate(() => document.querySelector("#viz").seek(Infinity));
      assert.ok((await state(page)).segments.includes("FIN,ACK"), "a FIN once the request was read");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("a made-up list of moves is refused with a readable message", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/blank.html", { width: 800, height: 600 });
    try {
      const alert = await page.evaluate(async () => {
        const el = document.createElement("synack-viz");
        el.setAttribute("mode", "sandbox");
        el.setAttribute("actions", "s.listen.0-c.rm -rf.0");
        document.body.append(el);
        await el.ready;
        return el.shadowRoot.querySelector('[role="alert"]')?.textContent ?? null;
      });
      assert.match(alert, /is not a list of moves such as s\.listen\.0-c\.connect\.0-d\.2/);
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });
});

describe("scripting the engine", () => {
  test("scenario objects run in the full engine, which only a page that asks for it fetches", { timeout: TIMEOUT }, async () => {
    const page = await open("test-pages/blank.html");
    const fetched = [];
    page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
    try {
      const result = await page.evaluate(async () => {
        const { loadEngine, runScenario } = await import("/synack/synack.js");
        const scenario = {
          id: "lost-request",
          seed: 7,
          client: { isn: 1000 },
          server: { isn: 5000 },
          network: { faults: { drop: [1] } },
          actions: [
            { side: "server", do: "listen" },
            { side: "client", do: "connect" },
          ],
        };
        const message = (f) => {
          try {
            f();
            return null;
          } catch (err) {
            return err.message;
          }
        };
        await loadEngine();
        const lean = message(() => runScenario({ scenario }));
        const ids = runScenario({ scenario: "three-way-handshake" }).events.length > 0;
        await loadEngine({ objects: true });
        const trace = runScenario({ scenario });
        const sends = trace.events.filter((e) => e.kind === "send").map((e) => ({
          dir: e.dir,
          flags: e.segment.flags.join(","),
          seq: e.segment.seq,
          again: e.retransmission,
        }));
        const bad = message(() => runScenario({ scenario: { ...scenario, netwrok: {} } }));
        return { lean, ids, sends: sends.slice(0, 3), bad };
      });
      assert.match(result.lean, /scenario objects need the full engine: await loadEngine\(\{ objects: true \}\) first/);
      assert.ok(result.ids, "catalogue ids still run in the element's module");
      // Segment 1, the first SYN, is lost: the client sends it again with the
      // same ISN (RFC 9293 §3.8.1), and the server answers the second one.
      assert.deepEqual(result.sends, [
        { dir: "c2s", flags: "SYN", seq: 1000, again: false },
        { dir: "c2s", flags: "SYN", seq: 1000, again: true },
        { dir: "s2c", flags: "SYN,ACK", seq: 5000, again: false },
      ]);
      assert.match(result.bad, /unknown field `netwrok` at the top level/);
      assert.ok(fetched.includes("/synack/pkg-full/synack_wasm_bg.wasm"), "the full engine was fetched on request");
      assert.deepEqual(page.errors, []);
    } finally {
      await done(page);
    }
  });

  test("a page with elements only never fetches the full engine", { timeout: TIMEOUT }, async () => {
    const page = await newPage(browser);
    const fetched = [];
    page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
    page.path = "test-pages/two.html";
    try {
      await page.goto(new URL(page.path, site.url).href, { waitUntil: "load" });
      assert.deepEqual(await whenReady(page), [true, true]);
      assert.ok(fetched.includes("/synack/pkg/synack_wasm_bg.wasm"));
      assert.deepEqual(fetched.filter((p) => p.includes("pkg-full")), []);
    } finally {
      await done(page);
    }
  });
});

test("no console errors on any page", () => {
  assert.deepEqual(allErrors, []);
});
