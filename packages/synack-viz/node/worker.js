// The worker thread that draws diagrams for node/render.js: the real
// <synack-viz> element (../synack.js, the same file a browser loads) upgraded in
// a linkedom document, its wasm engine running in Node, shown to its last step
// and exported with its own "SVG" button code. One renderer: nothing here lays
// out or draws a segment.

import { runAsWorker } from "synckit";
import { installDom } from "./dom.js";

const document = installDom();
const { catalogue } = await import("../synack.js");
const SynackViz = customElements.get("synack-viz");

/**
 * Draws one figure. `attributes` are the element's attributes as strings (a
 * boolean attribute as ""); `width` the diagram's width in CSS pixels.
 * Resolves to the standalone SVG file's text, or rejects with the message the
 * element would show the reader.
 */
async function draw({ attributes, width }) {
  const el = document.createElement("synack-viz");
  if (!(el instanceof SynackViz)) throw new Error("synack-viz: the element did not upgrade in the DOM shim");
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  // Each diagram of a comparison is half as wide, as on a page.
  const panels = "compare" in attributes ? 2 : 1;
  Object.defineProperty(el, "clientWidth", { value: Math.round(width / panels) + 12 });
  let message = null;
  el.addEventListener("synack-error", (event) => (message = event.detail.message));
  document.body.append(el);
  try {
    if (!(await el.ready)) {
      const ids = catalogue().map((entry) => entry.id);
      const known = "scenario" in attributes && !ids.includes(attributes.scenario) ? ` (the scenarios: ${ids.join(", ")})` : "";
      throw new Error(`${message ?? "the element drew nothing"}${known}`);
    }
    await el.seek(Infinity);
    return await el.exportSvg();
  } finally {
    el.remove();
  }
}

runAsWorker(draw);
