// Entry point of the one-file build, synack-embed.js (scripts/build-site.sh): the
// element with its wasm engine inlined, for a blog that can host a single file.
// The build gzips the optimised module and esbuild's binary loader inlines those
// bytes (as base64); inlining them gzipped keeps the file about a third smaller
// than inlining the raw module, and DecompressionStream (in every current
// browser) unpacks them. This file is not meant to be loaded unbundled: use
// synack.js for that.
import packed from "./pkg/synack_wasm_bg.wasm.gz";
import { useWasmBytes } from "./engine.js";

const unpacked = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
useWasmBytes(new Response(unpacked).arrayBuffer());
