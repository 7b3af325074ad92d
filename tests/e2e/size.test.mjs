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
import { scenarios, reasons as base } from "../../www/synack/i18n/en.js";
import { reasons as more } from "../../www/synack/i18n/more-en.js";

const reasons = { ...base, ...more };

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

/** A module and every chunk it imports statically (`import … from "./chunk-….js"`): what loading it fetches. */
function withImports(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const code = readFileSync(join(SYNACK, name), "utf8");
  // Static imports only: a dynamic import("./x.js") is fetched on use.
  for (const [, dep] of code.matchAll(/(?:^|[;}])\s*import\s*(?:[\w${}\s,*]+from\s*)?"\.\/([\w-]+\.js)"/g)) withImports(dep, seen);
  return seen;
}

test("an English page with one element downloads at most 56 KiB gzip", () => {
  const modules = [...withImports("synack.js")];
  const parts = {
    wasm: gzip(wasm),
    // synack.js and the chunks it shares with lazily loaded modules, which it imports at once.
    js: modules.reduce((sum, m) => sum + gzip(readFileSync(join(SYNACK, m))), 0),
    en: gzip(chunk("en-")),
  };
  assert.deepEqual(modules, ["synack.js"], "synack.js imports no shared chunk: dom.js stays inside it (scripts/bundle.mjs)");
  const all = Object.values(parts).reduce((a, b) => a + b, 0);
  const shown = Object.entries(parts).map(([k, v]) => `${k} ${(v / KIB).toFixed(1)}`).join(" + ");
  // The lean wasm runs every catalogue entry but those marked `full` (crates/synack-core's
  // `queues` feature); what the listen queues still add to it is in BENCHMARKS.md.
  assert.ok(parts.wasm <= 33.5 * KIB, `the element's wasm is ${(parts.wasm / KIB).toFixed(1)} KiB gzip, over 33.5`);
  assert.ok(all <= 56 * KIB, `${(all / KIB).toFixed(1)} KiB gzip (${shown}), over 56`);
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
