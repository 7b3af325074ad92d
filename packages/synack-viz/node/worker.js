// The worker thread that draws diagrams for node/render.js: the real
// <synack-viz> element (../synack.js, the same file a browser loads) upgraded in
// a linkedom document, its wasm engine running in Node, shown to its last step
// and exported with its own "SVG" button code. One renderer: nothing here lays
// out or draws a segment.

import { runAsWorker } from "synckit";
import { installDom, resizeCallbacks } from "./dom.js";

const document = installDom();
const { catalogue } = await import("../synack.js");
const SynackViz = customElements.get("synack-viz");

/** Diagram widths (the layout's, in px) between which ladder heights are sampled; past the last, they stay. */
const FROM = 300;
const TO = 1040;
const STEP = 26;

/** Gives the element another width and lets it lay itself out again, as a browser does on a resize. */
function resize(el, width) {
  Object.defineProperty(el, "clientWidth", { value: width, configurable: true });
  for (const callback of resizeCallbacks) callback([]);
}

/** The layout width of a single diagram's second drawing, for narrow columns. */
const NARROW = 320;

/** Each diagram's markup when laid out `width` px wide, marked as the narrow drawing. */
function drawnAt(el, width) {
  resize(el, width + 12);
  return [...el.shadowRoot.querySelectorAll(".panel svg.diagram")].map((d) => d.outerHTML.replace('class="diagram"', 'class="diagram narrow"'));
}

/** Each diagram's size and its two lifelines' x, as drawn now: { w, h, xc, xs }. */
function geometry(el) {
  return [...el.shadowRoot.querySelectorAll(".panel svg.diagram")].map((d) => {
    const [, , w, h] = d.getAttribute("viewBox").split(" ").map(Number);
    const [xc, xs] = [...d.querySelectorAll("line.lifeline")].map((l) => Number(l.getAttribute("x1")));
    return { w, h, xc, xs };
  });
}

/** Each diagram's height (its viewBox's) when laid out `width` px wide. */
function ladderHeights(el, width) {
  resize(el, width + 12);
  return [...el.shadowRoot.querySelectorAll(".panel svg.diagram")].map((s) => Number(s.getAttribute("viewBox").split(" ")[3]));
}

/**
 * Each diagram's height at layout widths from FROM to TO, as [[width, heights]]
 * sorted by width, close enough that a straight line between two neighbours is
 * never a pixel off: every STEP px, and halved where a label starts to wrap.
 */
function ladders(el) {
  const samples = new Map();
  const at = (w) => {
    if (!samples.has(w)) samples.set(w, ladderHeights(el, w));
    return samples.get(w);
  };
  const refine = (a, b) => {
    if (b - a <= 2) return;
    const mid = Math.floor((a + b) / 2);
    const [ha, hb, hm] = [at(a), at(b), at(mid)];
    if (hm.some((h, i) => Math.abs(h - (ha[i] + ((hb[i] - ha[i]) * (mid - a)) / (b - a))) > 1.5)) {
      refine(a, mid);
      refine(mid, b);
    }
  };
  for (let w = FROM; w < TO; w += STEP) refine(w, Math.min(w + STEP, TO));
  return [...samples].sort((x, y) => x[0] - y[0]);
}

/**
 * Draws one figure. `attributes` are the element's attributes as strings (a
 * boolean attribute as ""); `width` the diagram's width in CSS pixels.
 * Resolves to { svg, frame, css, ladders, drawings }: the standalone SVG file's
 * text; the element's whole box as HTML, as its first draw shows it (`frame`,
 * with the element's style sheet `css`, each diagram's height at every width,
 * `ladders`, and the size and lifelines of the diagrams drawn into it,
 * `drawings`), for a placeholder of exactly its size; or rejects with the
 * message the element would show the reader.
 */
async function draw({ attributes, width }) {
  const el = document.createElement("synack-viz");
  if (!(el instanceof SynackViz)) throw new Error("synack-viz: the element did not upgrade in the DOM shim");
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  // Each diagram of a comparison is half as wide, as on a page.
  const panels = "compare" in attributes ? 2 : 1;
  resize(el, Math.round(width / panels) + 12);
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
    // The text table is filled when a reader opens it (table.js, a chunk): fill it
    // for readers without JavaScript, and fold it again, as the element shows it.
    for (const table of el.shadowRoot.querySelectorAll("details.table")) {
      table.open = true;
      table.dispatchEvent(new Event("toggle"));
      for (let i = 0; i < 200 && !table.querySelector("tbody"); i++) await new Promise((r) => setTimeout(r, 5));
      table.open = false;
    }
    const svg = await el.exportSvg();
    // A single diagram is also drawn at a phone's width, for narrow columns; a
    // comparison's are drawn that narrow already.
    const narrow = panels === 1 ? drawnAt(el, NARROW) : [];
    const drawings = { narrow: narrow.length ? geometry(el) : [] };
    if (narrow.length) resize(el, width + 12);
    drawings.wide = geometry(el);
    const diagrams = [...el.shadowRoot.querySelectorAll(".panel svg.diagram")];
    diagrams.forEach((d, i) => narrow[i] && d.after(document.createComment(`synack-narrow-${i}`)));
    let frame = el.shadowRoot.querySelector(".frame").outerHTML;
    narrow.forEach((markup, i) => (frame = frame.replace(`<!--synack-narrow-${i}-->`, markup)));
    // Heights do not depend on the step, and step 0 draws fastest.
    await el.seek(0);
    // The element's style sheets: its own, and those of the chunks it used (a comparison's, the table's).
    const css = (el.shadowRoot.adoptedStyleSheets ?? []).map((sheet) => sheet.text).join("\n");
    return { svg, frame, css, ladders: ladders(el), drawings };
  } finally {
    el.remove();
  }
}

runAsWorker(draw);
