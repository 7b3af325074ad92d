// Hostile input in the browser (issue 12): what a page's URL or attributes hold must
// never blank an element or throw past it. Runs against the built site:
//
//   bash scripts/build-site.sh && node --test tests/e2e/hostile.test.mjs

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./server.mjs";
import { launch, newPage } from "./browser.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = process.env.SYNACK_DIST ?? join(HERE, "..", "..", "dist");
const PAGES = join(HERE, "pages");
const TIMEOUT = 30_000;

if (!existsSync(join(DIST, "synack", "synack.js"))) {
  throw new Error("dist/synack/synack.js is missing: run `bash scripts/build-site.sh` first");
}

let browser;
let site;

before(async () => {
  site = await serve(DIST, { "/test-pages/": PAGES });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Opens `path`, waits for #viz to be ready (or to fail), and says what it shows. */
async function show(path) {
  const page = await newPage(browser, { width: 900, height: 600 });
  try {
    await page.goto(new URL(path, site.url).href, { waitUntil: "load" });
    const shown = await page.evaluate(async () => {
      await customElements.whenDefined("synack-viz");
      const el = document.querySelector("#viz");
      const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error("not ready after 15 s")), 15_000));
      const ready = await Promise.race([Promise.resolve(el.ready), timeout]);
      const root = el.shadowRoot;
      return {
        ready,
        alert: root.querySelector('[role="alert"]')?.textContent ?? null,
        svg: !!root.querySelector("svg:not(.icon)"),
        attrs: [el.getAttribute("scenario"), el.getAttribute("numbers")],
      };
    });
    return { ...shown, errors: page.errors };
  } finally {
    await page.closeAll();
  }
}

describe("permalink fragments", () => {
  test("a fragment that is not ours, with a stray %, leaves the element alone", { timeout: TIMEOUT }, async () => {
    for (const hash of ["#100%", "#%", "#a%zz", "#section-2"]) {
      const s = await show(`test-pages/a11y.html${hash}`);
      assert.equal(s.alert, null, `${hash}: no error shown`);
      assert.ok(s.svg, `${hash}: the diagram is drawn`);
      assert.deepEqual(s.errors, [], `${hash}: no uncaught error`);
    }
  });

  test("a malformed synack= fragment shows the element's readable error", { timeout: TIMEOUT }, async () => {
    const s = await show("test-pages/a11y.html#synack=scenario:syn-lost;seed:1%");
    assert.notEqual(s.ready, true, "ready does not claim success");
    assert.ok(s.alert?.includes('seed="1%"'), `the message names the bad value: ${JSON.stringify(s.alert)}`);
    assert.deepEqual(s.errors, []);
    // A well-formed one still restores what it names.
    const ok = await show("test-pages/a11y.html#synack=scenario:three-way-handshake%3Bnumbers:absolute");
    assert.equal(ok.alert, null);
    assert.ok(ok.svg);
    assert.deepEqual(ok.attrs, ["three-way-handshake", "absolute"]);
  });
});

describe("attributes at the edge of their range", () => {
  test("seed takes the engine's whole u64 range, as the CLI does", { timeout: TIMEOUT }, async () => {
    const page = await newPage(browser, { width: 900, height: 600 });
    try {
      await page.goto(new URL("test-pages/blank.html", site.url).href, { waitUntil: "load" });
      const seen = await page.evaluate(async () => {
        await customElements.whenDefined("synack-viz");
        const out = {};
        for (const seed of ["18446744073709551615", "9007199254740993", "0", "18446744073709551616", "1e3"]) {
          const el = document.createElement("synack-viz");
          el.setAttribute("seed", seed);
          document.querySelector("#root").replaceChildren(el);
          const ready = await el.ready;
          const root = el.shadowRoot;
          out[seed] = { ready, alert: root.querySelector('[role="alert"]')?.textContent ?? null, title: root.querySelector(".title") !== null };
        }
        return out;
      });
      for (const seed of ["18446744073709551615", "9007199254740993", "0"]) {
        assert.equal(seen[seed].alert, null, `seed=${seed}: ${seen[seed].alert}`);
        assert.equal(seen[seed].ready, true, `seed=${seed} is drawn`);
      }
      for (const seed of ["18446744073709551616", "1e3"]) {
        assert.ok(seen[seed].alert?.includes(`seed="${seed}" is not a whole number from 0 to 18446744073709551615`), `${seed}: ${seen[seed].alert}`);
      }
      assert.deepEqual(page.errors, []);
    } finally {
      await page.closeAll();
    }
  });
});

describe("failures inside the wasm", () => {
  // The smallest module whose one function traps: (func (export "f") unreachable).
  const TRAP = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
  ]);

  test("a trap is told as a sentence in the reader's language, not its English name", async () => {
    const { isTrap } = await import("../../www/synack/failure.js");
    const { instance } = await WebAssembly.instantiate(TRAP);
    let trap;
    try {
      instance.exports.f();
    } catch (err) {
      trap = err;
    }
    assert.equal(trap?.message, "unreachable");
    assert.equal(isTrap(trap), true);
    assert.equal(isTrap(new Error("unreachable")), false, "an engine's own message is not a trap");
    for (const lang of ["en", "zh-CN"]) {
      const { errors } = await import(`../../www/synack/i18n/more-${lang}.js`); // fetched with a failure to tell
      const capture = await import(`../../www/synack/i18n/capture-${lang}.js`);
      for (const sentence of [errors.crashed, capture.capture?.errors?.crashed?.("x.pcap") ?? capture.errors?.crashed?.("x.pcap")]) {
        assert.equal(typeof sentence, "string", `${lang}: a sentence`);
        assert.ok(!/unreachable|RuntimeError/.test(sentence), `${lang}: ${sentence}`);
      }
    }
  });
});
