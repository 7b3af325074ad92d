// The one-file build's entry: the inlined wasm first (embed.js runs before any
// element is defined), then everything synack.js offers.
import "./embed.js";
export * from "./synack.js";
