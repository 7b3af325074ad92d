// The diagram before JavaScript: <synack-viz> drawn at build time, as a static
// SVG figure, by the element itself (node/worker.js runs it in a DOM shim, in a
// worker thread). For site generators and Markdown plugins:
//
//   import { render, renderSync } from "synack-viz/render";
//   const { html, svg } = await render({ scenario: "three-way-handshake", lang: "zh-CN", controls: true });
//   // html: <synack-viz …> with the figure inside, shown until the element takes over
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
// Only these change what the figure shows; the rest matter once JavaScript runs.
const DRAWN = new Set(["scenario", "handshake", "compare", "seed", "isn-client", "isn-server", "numbers", "lang", "narration"]);

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
  // In a narrow column the figure stops shrinking at three quarters of its size
  // (its 11 px labels at 8 px) and the element, still unknown to a browser
  // without scripts, scrolls sideways instead. (Rules in an inline SVG reach the
  // whole page: this one names its own figure by its viewBox.)
  const narrow = `synack-viz:not(:defined) { display: block; overflow-x: auto; }
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
  const drawn = Object.fromEntries(Object.entries(attributes).filter(([k]) => DRAWN.has(k)));
  let svg;
  try {
    svg = draw({ attributes: drawn, width });
  } catch (err) {
    const message = String(err?.message ?? err).replace(/^(Error: )+/, "");
    throw new Error(message.startsWith("synack") ? message : `synack: ${message}`);
  }
  const attrs = Object.entries(attributes).map(([k, v]) => (v === "" ? ` ${k}` : ` ${k}="${escapeAttr(v)}"`)).join("");
  return { html: `<synack-viz${attrs}>${inlineFigure(svg)}</synack-viz>`, svg, attributes };
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
