// Entry point of the one-file build, synack-embed.js (scripts/build-site.sh): the
// element with its wasm engine inlined, for a blog that can host a single file.
// esbuild's binary loader turns the import below into the module's bytes; this
// file is not meant to be loaded unbundled (use synack.js for that).
import bytes from "./pkg/synack_wasm_bg.wasm";
import { useWasmBytes } from "./engine.js";

useWasmBytes(bytes);
