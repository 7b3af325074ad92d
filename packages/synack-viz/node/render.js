// The diagram before JavaScript: <synack-viz> drawn at build time, as a static
// SVG figure, by the element itself (node/worker.js runs it in a DOM shim, in a
// worker thread). For site generators and Markdown plugins:
//
//   import { render, renderSync } from "synack-viz/render";
//   const { html, svg } = await render({ scenario: "three-way-handshake", lang: "zh-CN", controls: true });
//   // html: <synack-viz …> with the figure inside, shown until the element takes over
//   //       (a placeholder of the element's own size, then the SVG for feed readers)
//   // svg:  the same figure as a standalone .svg file
//
// renderSync does the same synchronously (for markdown-it, whose rules cannot
// wait); it blocks the calling thread while the worker draws.

import { createSyncFn } from "synckit";

/** The attributes a figure may carry: the element's own, less those of a recorded capture. */
export const ATTRIBUTES = [
  "scenario", "handshake", "compare", "seed", "isn-client", "isn-server", "numbers", "speed",
  "autoplay", "controls", "lang", "theme", "narration", "permalink",
];
const BOOLEAN = new Set(["autoplay", "controls", "permalink"]);

let drawSync = null;
const draw = (request) => {
  drawSync ??= createSyncFn(new URL("./worker.js", import.meta.url), { timeout: 60_000 });
  return drawSync(request);
};

/** A camelCase or kebab-case option name as the attribute's name ("isnClient" → "isn-client"). */
const attributeName = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The element's attributes from plain options, checked: an unknown name, a
 * capture, or a value that is not a string, number or boolean is an Error that
 * says which. `true` sets a boolean attribute (and `compare`), `false`/`null` leaves it out.
 */
export function attributesOf(options) {
  const attributes = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    const name = attributeName(key);
    if (["capture", "connection", "capture-limit"].includes(name)) {
      throw new Error(`synack: a capture cannot be drawn at build time; write <synack-viz ${name}="…"> as HTML instead`);
    }
    if (!ATTRIBUTES.includes(name)) {
      throw new Error(`synack: unknown attribute "${key}"; the attributes are ${ATTRIBUTES.join(", ")}`);
    }
    if (value === false || value === null || value === undefined) continue;
    if (value === true) {
      attributes[name] = "";
      continue;
    }
    if (typeof value !== "string" && typeof value !== "number") {
      throw new Error(`synack: ${name} must be a string or a number, not ${typeof value}`);
    }
    if (BOOLEAN.has(name) && !["", name].includes(String(value))) {
      throw new Error(`synack: ${name} is on or off: write it alone (or ${name}=false), not ${name}="${value}"`);
    }
    attributes[name] = String(value);
  }
  return attributes;
}

const escapeAttr = (text) => text.replace(/[&"<]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;" })[c]);

/**
 * The standalone SVG file as a figure to put inside the element: no XML
 * declaration, as wide as its container, and its style rules scoped to itself so
 * that they cannot reach the rest of the page.
 */
export function inlineFigure(svg) {
  const body = svg.replace(/^<\?xml[^>]*>\s*/, "");
  const width = Number(/^<svg [^>]*?width="(\d+)"/.exec(body)?.[1] ?? 640);
  const box = /^<svg [^>]*?viewBox="([\d ]+)"/.exec(body)?.[1] ?? "";
  // Rules in an inline SVG reach the whole page: these name only the element
  // before it is defined, the placeholder beside the figure, and this figure
  // (by its viewBox). The element keeps the margin it will have once defined.
  // Where the placeholder is shown (a browser that attaches declarative shadow
  // roots: the <template> is gone), this figure is not: feed readers, reader
  // modes and older browsers show it instead. Shown in a narrow column, it stops
  // shrinking at three quarters of its size (its 11 px labels at 8 px) and the
  // element scrolls sideways instead.
  const narrow = `synack-viz:not(:defined) { display: block; margin: 1.5em 0; }
.synack-prerender:not(:has(> template)) ~ svg.synack-static { display: none; }
synack-viz:not(:defined):has(> .synack-prerender > template), synack-viz:not(:defined):not(:has(> .synack-prerender)) { overflow-x: auto; }
svg.synack-static[viewBox="${box}"] { min-width: ${Math.round(width * 0.75)}px; }`;
  return body
    .replace(/^<svg ([^>]*?)width="(\d+)" height="(\d+)"/, '<svg $1class="synack-static" width="100%"')
    .replace(/<style>([\s\S]*?)<\/style>/, (_, rules) => `<style>${scope(rules)}\n${narrow}</style>`)
    .trimEnd();
}

function scope(rules) {
  // Rule by rule (a rule's selectors may span lines): "a, b { … }" → "svg.synack-static a, svg.synack-static b { … }".
  return rules.replace(/([^{}]+)\{([^}]*)\}/g, (_, selectors, body) => {
    const scoped = selectors.split(",").map((s) => `svg.synack-static ${s.trim()}`.trim());
    return `${selectors.match(/^\s*/)[0]}${scoped.join(", ")} {${body}}`;
  });
}

/** The element's padding beside a diagram (.panel in style.js: .6em each side) and the room the layout leaves (12 px). */
const PAD = "1.2em";
const ROOM = 12;
/** The narrowest layout (panel.js: never under 300 px). */
const FLOOR = 300;
/** Below this element width a single diagram's narrow drawing is shown. */
const NARROW_BELOW = 480;
/** Widths at which a comparison's two diagrams stack (style.js: @container (max-width: 700px)). */
const STACKED = 700;

/**
 * Container rules that give each diagram of the placeholder the height the
 * element's own will have at the element's width W (100cqw). The element lays a
 * diagram out `cw - 12` px wide (cw: the panel's inner width, W - 2 inside the
 * frame's border, half of that beside another diagram; never under 300) and
 * shows it `cw - 1.2em` wide, so its height is H·(cw − 1.2em)/(cw − 12), with H
 * the layout's height at that width: H − (1.2em − 12px)·H/(cw − 12). H comes
 * from the worker's samples (`ladders`), a straight line between two; each rule
 * covers widths over which the second term moves by less than half a pixel.
 */
function ladderRules(samples, panels, drawings) {
  const ladders = straighten(samples);
  const first = ladders[0][0];
  const last = ladders.at(-1)[0];
  const heightAt = (wv, i) => {
    if (wv <= first) return ladders[0][1][i];
    if (wv >= last) return ladders.at(-1)[1][i];
    const k = ladders.findIndex(([w]) => w > wv);
    const [[w0, h0], [w1, h1]] = [ladders[k - 1], ladders[k]];
    return h0[i] + ((h1[i] - h0[i]) * (wv - w0)) / (w1 - w0);
  };
  const beside = (W) => panels === 2 && W > STACKED;
  const layoutWidth = (W, i) => (beside(W) ? (W - 2) / 2 - i : W - 2) - ROOM;
  // Where a panel's layout width meets a sample, the diagrams stack, or the layout stops narrowing.
  const points = new Set([FLOOR + ROOM + 2]);
  for (const [w] of ladders) {
    for (let i = 0; i < panels; i++) {
      if (w + ROOM + 2 <= STACKED || panels === 1) points.add(w + ROOM + 2);
      const wide = 2 * (w + ROOM + i) + 2;
      if (panels === 2 && wide > STACKED) points.add(wide);
    }
  }
  if (panels === 2) points.add(STACKED + 1);
  if (drawings.narrow.length) points.add(NARROW_BELOW);
  const sorted = [...points].filter((W) => W > FLOOR + ROOM + 2 - 1).sort((a, b) => a - b);
  const term = (W, i) => heightAt(layoutWidth(W, i), i) / Math.max(FLOOR, layoutWidth(W, i));
  const bands = [];
  const split = (a, b) => {
    const moves = [...Array(panels).keys()].some((i) => 7.2 * Math.abs(term(a, i) - term(b - 1, i)) > 1);
    if (moves && b - a > 2) {
      const mid = Math.floor((a + b) / 2);
      split(a, mid);
      split(mid, b);
    } else bands.push([a, b]);
  };
  for (let k = 0; k + 1 < sorted.length; k++) split(sorted[k], sorted[k + 1]);
  const n = (x, d) => +x.toFixed(d);
  // H0 + (W − a)·slope − (1.2em − 12px)·c, written as px + cqw − em.
  const height = (h0, a, slope, c) => `calc(${n(h0 - a * slope + ROOM * c, 2)}px + ${n(100 * slope, 3)}cqw - ${n(1.2 * c, 3)}em)`;
  // The sides' names over the lifelines of the drawing shown at width W: it is
  // centred and scaled to the diagram's width or, where that is the lower, its height.
  const drawing = (W, i) => (W < NARROW_BELOW && drawings.narrow[i]) || drawings.wide[i];
  const sides = (W, i, box) => {
    const d = drawing(W, i);
    const [left, right] = [d.w / 2 - d.xc, d.xs - d.w / 2];
    if (box === null) {
      // Below the floor the box scales with the width too: a share of it.
      const share = 100 * Math.min(1 / d.w, heightAt(FLOOR, i) / FLOOR / d.h);
      return [`calc(50% - ${n(left * share, 3)}%)`, `calc(50% + ${n(right * share, 3)}%)`];
    }
    const tall = box / d.h;
    return [`calc(50% - min(${n((100 * left) / d.w, 3)}%, ${n(left * tall, 1)}px))`, `calc(50% + min(${n((100 * right) / d.w, 3)}%, ${n(right * tall, 1)}px))`];
  };
  const set = (W, heights, box) =>
    `.frame{${heights.map((h, i) => {
      const [l, r] = sides(W, i, box === null ? null : box(i));
      return `--synack-h${i + 1}:${h};--synack-l${i + 1}:${l};--synack-r${i + 1}:${r}`;
    }).join(";")}}`;
  const rules = [...Array(panels).keys()].flatMap((i) => [
    `.panel:nth-child(${i + 1})>svg.diagram{height:var(--synack-h${i + 1})}`,
    `.panel:nth-child(${i + 1}) .side:first-child{left:var(--synack-l${i + 1})}`,
    `.panel:nth-child(${i + 1}) .side:last-child{left:var(--synack-r${i + 1})}`,
  ]);
  // Narrower than the layout's floor, a diagram only scales down: exact.
  const scale = (i) => heightAt(FLOOR, i) / FLOOR;
  rules.push(`@container (width < ${sorted[0]}px){${set(0, [...Array(panels).keys()].map((i) => `calc(${n(scale(i) * 100, 3)}cqw - ${n(scale(i) * 2, 3)}px - ${n(scale(i) * 1.2, 3)}em)`), null)}}`);
  for (const [a, b] of bands) {
    const heights = [...Array(panels).keys()].map((i) => {
      const [h0, h1] = [heightAt(layoutWidth(a, i), i), heightAt(layoutWidth(b, i), i)];
      const slope = beside(a) === beside(b - 1) ? (h1 - h0) / (b - a) : 0;
      return height(h0, a, slope, (term(a, i) + term(b - 1, i)) / 2);
    });
    const mid = (a + b) / 2;
    rules.push(`@container (${a}px <= width < ${b}px){${set(a, heights, (i) => heightAt(layoutWidth(mid, i), i))}}`);
  }
  const end = sorted.at(-1);
  rules.push(`@container (width >= ${end}px){${set(end, [...Array(panels).keys()].map((i) => height(heightAt(layoutWidth(end, i), i), end, 0, term(end, i))), (i) => heightAt(layoutWidth(end, i), i))}}`);
  return rules.join("\n");
}

/** The samples without those a straight line between their neighbours passes within a pixel of. */
function straighten(samples) {
  const kept = [samples[0]];
  for (let j = 1; j < samples.length; j++) {
    const [w0, h0] = kept.at(-1);
    const next = samples[j + 1];
    if (!next) {
      kept.push(samples[j]);
      break;
    }
    const [w1, h1] = next;
    const between = samples.slice(samples.indexOf(kept.at(-1)) + 1, j + 1);
    const fits = between.every(([w, h]) => h.every((x, i) => Math.abs(x - (h0[i] + ((h1[i] - h0[i]) * (w - w0)) / (w1 - w0))) <= 1));
    if (!fits) kept.push(samples[j]);
  }
  return kept;
}

/**
 * What the placeholder adds to the element's own styles: no margin of its own
 * (the element has it), a single diagram's narrow drawing in a narrow column
 * (the sides' names follow the drawing shown: ladderRules), and without scripting
 * (nothing will take over), no buttons or switches that would do nothing.
 */
const PLACEHOLDER_CSS = `:host { margin: 0; }
@container (width < ${NARROW_BELOW}px) { svg.diagram:has(+ svg.narrow) { display: none; } }
@container (width >= ${NARROW_BELOW}px) { svg.diagram.narrow { display: none; } }
@media (scripting: none) { .playback, .controls, .share, .legend, .assume label { display: none; } .narration { position: static; } }`;

/**
 * The element's first draw as HTML, in a declarative shadow root of its own: the
 * same markup and style sheet, so the browser lays it out exactly as it will lay
 * out the element, which then replaces it without moving anything on the page.
 * The diagrams are drawn at the rendering width and fit into the height the
 * element's own will have (ladderRules); the bars are there, inert, until the
 * element's own take their place.
 */
function placeholder({ frame, css, ladders, drawings }, attributes) {
  const panels = "compare" in attributes ? 2 : 1;
  const body = frame
    .replace(/ style="[^"]*"/g, "")
    .replace(/<svg ([^>]*class="diagram")/g, '<svg preserveAspectRatio="xMidYMin meet" $1')
    .replace(/<div ([^>]*)class="(playback|controls|share)"/g, '<div inert $1class="$2"');
  const styles = `${css}\n${PLACEHOLDER_CSS}\n${ladderRules(ladders, panels, drawings)}`.replace(/\s*\n\s*/g, "\n").trim();
  const theme = attributes.theme ? ` theme="${escapeAttr(attributes.theme)}"` : "";
  return `<div class="synack-prerender"${theme}><template shadowrootmode="open"><style>${styles}</style>${body}</template></div>`;
}

/**
 * The figure for `options` (the element's attributes; `width`, default 640, is
 * the drawing's width). Returns { html, svg, attributes }: `html` is the
 * <synack-viz> element with the figure inside, `svg` the standalone file.
 * Throws an Error with the element's own message on a bad value.
 */
export function renderSync(options = {}) {
  const { width = 640, ...rest } = options;
  if (!Number.isInteger(width) || width < 300 || width > 4000) {
    throw new Error(`synack: width must be a whole number of pixels from 300 to 4000, not ${width}`);
  }
  const attributes = attributesOf(rest);
  let drawn;
  try {
    drawn = draw({ attributes, width });
  } catch (err) {
    const message = String(err?.message ?? err).replace(/^(Error: )+/, "");
    throw new Error(message.startsWith("synack") ? message : `synack: ${message}`);
  }
  const attrs = Object.entries(attributes).map(([k, v]) => (v === "" ? ` ${k}` : ` ${k}="${escapeAttr(v)}"`)).join("");
  return { html: `<synack-viz${attrs}>${placeholder(drawn, attributes)}${inlineFigure(drawn.svg)}</synack-viz>`, svg: drawn.svg, attributes };
}

/** renderSync, as a promise. */
export async function render(options) {
  return renderSync(options);
}

const SWITCHES = new Set(["compare", ...BOOLEAN]);

/** One `key=value`, `key: value` or bare word of a tag or fence, into `options`. */
function word(options, text, where) {
  const m = /^([A-Za-z-]+)\s*[=:]\s*(.*)$/.exec(text);
  if (m) {
    const [, key, raw] = m;
    const value = raw.trim().replace(/^(["'])(.*)\1$/, "$2");
    if (!ATTRIBUTES.includes(key)) {
      throw new Error(`synack: unknown attribute "${key}" in ${where}; the attributes are ${ATTRIBUTES.join(", ")}`);
    }
    if (key in options) throw new Error(`synack: ${key} is given twice in ${where}`);
    const off = /^(false|off|no)$/i.test(value);
    const on = value === "" || /^(true|on|yes)$/i.test(value);
    options[key] = SWITCHES.has(key) && (off || on) ? on : value;
  } else if (SWITCHES.has(text)) {
    options[text] = true;
  } else if (/^[a-z0-9-]+$/.test(text) && !("scenario" in options)) {
    options.scenario = text;
  } else {
    throw new Error(`synack: "${text}" in ${where} is neither a scenario id nor an attribute (write key=value)`);
  }
}

/**
 * The options of a tag's words, as in `{% synack three-way-handshake compare lang=zh-CN %}`:
 * the scenario id, switches (compare, controls, autoplay, permalink; `controls=false`
 * turns one off) and key=value attributes.
 */
export function optionsFromWords(words, where = "the tag") {
  const options = {};
  for (const w of words) if (w.trim()) word(options, w.trim(), where);
  return options;
}

/**
 * The options of a fenced block's body: one `key: value` (or a bare scenario id
 * or switch) a line; blank lines and lines starting with # are skipped.
 */
export function optionsFromFence(text, where = "the synack block") {
  const options = {};
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (l && !l.startsWith("#")) word(options, l, where);
  }
  return options;
}
