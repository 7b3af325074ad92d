// Size budgets of what a page with one element downloads (issue 3), read from
// the built files: gzip -9 sizes, and what must stay out of the element's wasm.
// These guard against regressions; BENCHMARKS.md has the figures, measured from
// the requests Chromium makes, and the 40 KB target they still miss.
//
//   bash scripts/build-site.sh && node --test tests/e2e/size.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, gzipSync } from "node:zlib";
import { scenarios, reasons } from "../../www/synack/i18n/en.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = process.env.SYNACK_DIST ?? join(HERE, "..", "..", "dist");
const SYNACK = join(DIST, "synack");

if (!existsSync(join(SYNACK, "synack.js"))) {
  throw new Error("dist/synack/synack.js is missing: run `bash scripts/build-site.sh` first");
}

const KIB = 1024;
const gzip = (bytes) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
const chunk = (prefix) => {
  const names = readdirSync(SYNACK).filter((f) => f.startsWith(prefix) && /^[a-zA-Z-]+-[A-Z0-9]{8}\.js$/.test(f));
  assert.equal(names.length, 1, `one ${prefix}*.js chunk, found ${names.join(", ")}`);
  return readFileSync(join(SYNACK, names[0]));
};
const wasm = readFileSync(join(SYNACK, "pkg", "synack_wasm_bg.wasm"));
const text = wasm.toString("latin1");

// The budgets grew with issue 15 (the listen queues, SYN cookies, keep-alive
// and six scenarios): +4.7 KiB of wasm and +1.7 KiB of English, measured in
// BENCHMARKS.md ("2026-12-01, the listen queues").
test("an English page with one element downloads at most 63 KiB gzip", () => {
  const parts = {
    wasm: gzip(wasm),
    "synack.js": gzip(readFileSync(join(SYNACK, "synack.js"))),
    en: gzip(chunk("en-")),
  };
  const all = Object.values(parts).reduce((a, b) => a + b, 0);
  const shown = Object.entries(parts).map(([k, v]) => `${k} ${(v / KIB).toFixed(1)}`).join(" + ");
  assert.ok(parts.wasm <= 38 * KIB, `the element's wasm is ${(parts.wasm / KIB).toFixed(1)} KiB gzip, over 38`);
  assert.ok(all <= 63 * KIB, `${(all / KIB).toFixed(1)} KiB gzip (${shown}), over 63`);
});

test("the element's wasm carries no English sentences: the element has them, by key", () => {
  for (const [id, [title]] of Object.entries(scenarios)) {
    assert.ok(!text.includes(title), `the title of ${id} ("${title}") is in the wasm`);
  }
  // Reasons' keys are in the module (the trace carries them); their English
  // sentences come from the core's reason table, which must stay out.
  assert.ok(text.includes("syn-in-listen"), "reason keys are in the wasm");
  assert.ok(!text.includes("passive OPEN"), "a reason's English sentence is in the wasm");
  assert.ok(Object.keys(reasons).length > 40);
});

test("the element's wasm is built without std's formatting and panic machinery", () => {
  // Messages that core::fmt and std's panic path carry with them.
  for (const marker of ["a Display implementation returned an error unexpectedly", "panicked at", "library/std/src/panicking.rs"]) {
    assert.ok(!text.includes(marker), `"${marker}" is in the wasm: something formats with core::fmt or links std`);
  }
  // Its own panic handler's words are there instead.
  assert.ok(text.includes("synack's engine: "));
});
