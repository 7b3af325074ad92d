// failure: a wasm module that traps ("unreachable", "memory access out of bounds")
// says nothing a reader can act on, and says it in English. The element and the
// capture reader tell the reader a sentence in their language instead, and leave
// the trap itself in the console for whoever debugs it.

/** Whether `err` is a trap of a WebAssembly module rather than a message it wrote. */
export function isTrap(err) {
  return typeof WebAssembly !== "undefined" && err instanceof WebAssembly.RuntimeError;
}
