// The wasm engine, loaded once per page however many elements use it.
//
// Two builds of crates/synack-wasm ship side by side. pkg/ is the element's:
// it runs catalogue ids and reads no scenario objects, which keeps what every
// reader downloads small. pkg-full/ also reads scenario objects
// (docs/scenario-format.md), models a listener's queues, keep-alive and the
// other lessons the catalogue marks `full`, and is fetched only by a page that
// asks for it: loadEngine({ objects: true }), or a `full` scenario's element.
import init, { Simulation, catalogue as wasmCatalogue } from "./pkg/synack_wasm.js";

let loading = null;
let inlined = null;
let fullLoading = null;
let Full = null;

/**
 * The one-file build (embed.js) hands over the wasm's bytes (or a promise of
 * them) here, before any element asks for the engine; otherwise the module is
 * fetched from beside this file.
 */
export function useWasmBytes(bytes) {
  inlined = bytes;
}

/**
 * Resolves when the engine is ready; every element shares the one module.
 * With { objects: true } it also loads the build that reads scenario objects.
 */
export function loadEngine({ objects = false } = {}) {
  loading ??= init({ module_or_path: inlined ?? new URL("./pkg/synack_wasm_bg.wasm", import.meta.url) });
  if (!objects) return loading;
  fullLoading ??= loadFull().catch((err) => {
    fullLoading = null;
    throw err;
  });
  return Promise.all([loading, fullLoading]).then(() => undefined);
}

async function loadFull() {
  if (inlined) {
    throw new Error("synack-embed.js has only the lean engine (docs/embedding.md)");
  }
  // A URL computed at run time, so that the bundler leaves this module out of
  // synack.js: it is fetched as it is, from beside the element's module.
  const url = new URL("./pkg-full/synack_wasm.js", import.meta.url).href;
  const glue = await import(url);
  await glue.default({ module_or_path: new URL("./pkg-full/synack_wasm_bg.wasm", import.meta.url) });
  Full = glue.Simulation;
}

/** Runs a scenario; throws an Error carrying the engine's message on bad input. */
export function runScenario(options) {
  const scenario = options?.scenario;
  const object = scenario !== null && typeof scenario === "object";
  const full = object || needsFull(scenario);
  if (full && !object && !Full) throw new Error(`${scenario}: loadEngine({ objects: true }) first`);
  const sim = new (full && Full ? Full : Simulation)(options);
  try {
    return sim.trace();
  } finally {
    sim.free();
  }
}

/** Whether the full build has loaded (runScenario then uses it where needed). */
export function fullReady() {
  return Full !== null;
}

let entries = null;

/** [{ id, figure?, compare, full? }] */
export function catalogue() {
  entries ??= wasmCatalogue();
  return entries;
}

/**
 * Whether catalogue scenario `id` runs only in the full build: the lean one
 * leaves out the listen queues, keep-alive and the rest (`full` in the catalogue).
 */
export function needsFull(id) {
  return typeof id === "string" && catalogue().some((e) => e.id === id && e.full);
}

// Start fetching the engine as soon as the page's modules have run (a microtask
// later, so that the one-file build can hand over its bytes first), before any
// element asks: the first diagram appears sooner.
queueMicrotask(() => loadEngine().catch(() => {}));
