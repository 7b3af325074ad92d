// Small DOM helpers shared by the element's modules: elements, SVG nodes, the
// controls' icons, and the reader's motion preference.

export const SVG = "http://www.w3.org/2000/svg";

const sheets = new Map();

/** Adds `css` to a shadow root, as one constructed sheet per text (CSP-safe). */
export function adopt(root, css) {
  if (!sheets.has(css)) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  const sheet = sheets.get(css);
  const now = root.adoptedStyleSheets ?? []; // (a DOM shim in Node may have none)
  if (!now.includes(sheet)) root.adoptedStyleSheets = [...now, sheet];
}
export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const ICONS = {
  restart: "M4 3v10M13 3 6 8l7 5z",
  back: "M12 3 5 8l7 5z",
  play: "M5 3l8 5-8 5z",
  pause: "M5 3h2v10H5zM9 3h2v10H9z",
  step: "M4 3l7 5-7 5zM12 3v10",
};

export function icon(name) {
  const s = svg("svg", { viewBox: "0 0 16 16", width: 14, height: 14, "aria-hidden": "true", class: "icon" });
  s.append(svg("path", { d: ICONS[name] }));
  return s;
}

export const reducedMotion = () => globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;

/** Text with each state name kept on one line ("FIN-WAIT-2" never breaks at its hyphen). */
export function unbroken(text) {
  return text.split(/(\b(?:SYN-SENT|SYN-RECEIVED|FIN-WAIT-[12]|CLOSE-WAIT|LAST-ACK|TIME-WAIT)\b)/).map((part, i) =>
    i % 2 ? el("span", { class: "nobr" }, part) : document.createTextNode(part));
}

/**
 * Properties on `cls` that reflect attributes: `text` maps property to attribute
 * name (null when absent; null or undefined removes it), `flags` likewise for
 * boolean attributes.
 */
export function reflect(cls, text, flags) {
  for (const [prop, attr] of Object.entries(text)) {
    Object.defineProperty(cls.prototype, prop, {
      get() { return this.getAttribute(attr); },
      set(v) { v === null || v === undefined ? this.removeAttribute(attr) : this.setAttribute(attr, String(v)); },
      configurable: true,
    });
  }
  for (const [prop, attr] of Object.entries(flags)) {
    Object.defineProperty(cls.prototype, prop, {
      get() { return this.hasAttribute(attr); },
      set(v) { this.toggleAttribute(attr, !!v); },
      configurable: true,
    });
  }
}
