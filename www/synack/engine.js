// The wasm engine, loaded once per page however many elements use it.
import init, { Simulation, catalogue as wasmCatalogue } from "./pkg/synack_wasm.js";

let loading = null;
let inlined = null;

/**
 * The one-file build (embed.js) hands over the wasm's bytes (or a promise of
 * them) here, before any element asks for the engine; otherwise the module is
 * fetched from beside this file.
 */
export function useWasmBytes(bytes) {
  inlined = bytes;
}

/** Resolves when the engine is ready; every element shares the one module. */
export function loadEngine() {
  loading ??= init({ module_or_path: inlined ?? new URL("./pkg/synack_wasm_bg.wasm", import.meta.url) });
  return loading;
}

/** Runs a scenario; throws an Error carrying the engine's message on bad input. */
export function runScenario(options) {
  const sim = new Simulation(options);
  try {
    return sim.trace();
  } finally {
    sim.free();
  }
}

/** [{ id, title, summary, figure?, compare }] */
export function catalogue() {
  return wasmCatalogue();
}

// Start fetching the engine as soon as the page's modules have run (a microtask
// later, so that the one-file build can hand over its bytes first), before any
// element asks: the first diagram appears sooner.
queueMicrotask(() => loadEngine().catch(() => {}));
