// The few browser APIs <synack-viz> touches, for drawing it in Node: a DOM from
// linkedom, and small stand-ins for what a DOM library does not have (a style
// sheet that keeps its text, a size observer that fires when the renderer says
// so, the computed values of the element's own custom properties, and fetch()
// for the wasm file beside the module). Installed on globalThis of the worker thread that renders
// (node/worker.js), never of the process that asked: a site generator's other
// plugins must not find a `document` they did not expect.

import { parseHTML } from "linkedom";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The custom properties set on :host in the element's style sheet, by name. */
const hostDefaults = new Map();

/**
 * The callbacks of the size observers the element started: the renderer calls
 * them after giving the element another width, as a browser would on a resize.
 */
export const resizeCallbacks = new Set();

class StyleSheet {
  replaceSync(text) {
    this.text = text;
    // The first :host block holds the light palette, the one a static figure uses.
    const host = /:host\s*\{([^}]*)\}/.exec(text);
    for (const [, name, value] of host?.[1].matchAll(/(--synack-[a-z-]+)\s*:\s*([^;]+);/g) ?? []) {
      if (!hostDefaults.has(name)) hostDefaults.set(name, value.trim());
    }
  }
}

export function installDom() {
  const window = parseHTML("<!doctype html><html><head></head><body></body></html>");
  const names = ["window", "document", "customElements", "HTMLElement", "Element", "Node", "CustomEvent", "Event", "DocumentFragment", "SVGElement"];
  for (const name of names) {
    if (window[name] !== undefined) globalThis[name] = window[name];
  }
  // The element builds its text table with <table>.tHead, which linkedom lacks.
  if (!("tHead" in window.document.createElement("table"))) {
    Object.defineProperty(window.HTMLElement.prototype, "tHead", {
      get() {
        return this.localName === "table" ? (this.querySelector(":scope > thead") ?? null) : undefined;
      },
    });
  }
  globalThis.CSSStyleSheet = StyleSheet;
  globalThis.ResizeObserver = class {
    constructor(callback) {
      this.callback = callback;
    }
    observe() {
      resizeCallbacks.add(this.callback);
    }
    unobserve() {}
    disconnect() {
      resizeCallbacks.delete(this.callback);
    }
  };
  // permalink reads and writes the fragment of a page that here does not exist.
  globalThis.location = new URL("http://localhost/");
  globalThis.history = { state: null, replaceState() {} };
  globalThis.getComputedStyle = () => ({ getPropertyValue: (name) => hostDefaults.get(name) ?? "" });
  globalThis.XMLSerializer = class {
    serializeToString(node) {
      return node.toString();
    }
  };
  globalThis.requestAnimationFrame = (fn) => setTimeout(() => fn(performance.now()), 0);
  globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
  const webFetch = globalThis.fetch;
  // The engine fetches its wasm relative to synack.js: here, a file: URL.
  globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== "file:") return webFetch(input, init);
    const bytes = await readFile(fileURLToPath(url));
    return new Response(bytes, { headers: { "content-type": url.pathname.endsWith(".wasm") ? "application/wasm" : "text/javascript" } });
  };
  return window.document;
}
