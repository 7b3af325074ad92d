// Bundles the element (scripts/build-site.sh): synack.js with what an English
// page needs, and a chunk for each dynamic import(), fetched only when used.
//   node scripts/bundle.mjs <dist/synack/synack.js> <out-dir>
//
// One thing differs from `esbuild --bundle --splitting`: dom.js, the small
// helpers that the element and its lazily loaded chunks all use, stays inside
// synack.js. Left to itself, esbuild moves a module shared by the entry and a
// lazy chunk into a `chunk-*.js` of its own, which every page then fetches
// beside synack.js: a second request and about 250 bytes more gzip, since the
// two files are compressed apart. Here the lazy chunks get a copy of dom.js
// instead (it keeps no state, so two copies behave as one), under a name that
// esbuild counts as another module.
import { build } from "esbuild";
import { resolve } from "node:path";

const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) throw new Error("usage: node scripts/bundle.mjs <synack.js> <out-dir>");

/** The modules synack.js imports statically, directly or not: the page's own. */
const statics = new Set();

const lazyCopyOfDom = {
  name: "lazy-copy-of-dom",
  setup(b) {
    b.onResolve({ filter: /^\.\/dom\.js$/ }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      const fromPage = args.kind === "import-statement" && statics.has(args.importer);
      return fromPage ? { path } : { path, suffix: "?lazy" };
    });
  },
};

/** First pass: which modules synack.js reaches without a dynamic import(). */
const scan = await build({ entryPoints: [entry], bundle: true, write: false, format: "esm", metafile: true, logLevel: "silent", external: ["*.wasm"] });
const inputs = scan.metafile.inputs;
const walk = (file) => {
  const abs = resolve(file);
  if (statics.has(abs)) return;
  statics.add(abs);
  for (const i of inputs[file]?.imports ?? []) if (i.kind === "import-statement" && !i.external) walk(i.path);
};
walk(Object.keys(inputs).find((f) => resolve(f) === resolve(entry)));

await build({
  entryPoints: [entry],
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
  // Module scripts are always decoded as UTF-8, so Chinese ships as itself,
  // not as \uXXXX escapes (a third smaller).
  charset: "utf8",
  outdir,
  chunkNames: "[name]-[hash]",
  plugins: [lazyCopyOfDom],
});
