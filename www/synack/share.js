// Taking a diagram away (shown with `controls`): a link to this step (with
// `permalink`), the picture as SVG or PNG (export.js, a chunk), and Mermaid text.

import { el } from "./dom.js";

export class ShareBar {
  #status;
  #t;

  /** `host` is the element (its export methods), `name` names the files, `link()` writes the permalink and returns it. */
  constructor(host, t, name, link) {
    this.#t = t;
    this.root = el("div", { class: "share", role: "toolbar", "aria-label": t.ui.share });
    this.root.hidden = !host.hasAttribute("controls");
    const button = (action, label, title, run) => {
      const b = el("button", { type: "button", "data-action": action, title }, label);
      b.addEventListener("click", () => run().catch((err) => this.say(err?.message ?? String(err))));
      this.root.append(b);
    };
    if (host.hasAttribute("permalink")) {
      button("copy-link", t.ui.copyLink, t.ui.copyLink, async () => this.#copy(await link()));
    }
    const save = async (file, blob) => {
      (await import("./export.js")).download(blob, file);
      this.say(t.ui.downloaded(file));
    };
    button("export-svg", t.ui.exportSvg, t.ui.exportSvgTitle, async () => save(`${name}.svg`, new Blob([await host.exportSvg()], { type: "image/svg+xml" })));
    button("export-png", t.ui.exportPng, t.ui.exportPngTitle, async () => save(`${name}.png`, await host.exportPng()));
    button("copy-mermaid", t.ui.copyMermaid, t.ui.copyMermaidTitle, async () => this.#copy(await host.exportMermaid()));
    this.#status = el("span", { class: "status", role: "status" });
    this.root.append(this.#status);
  }

  say(text) {
    this.#status.textContent = text;
  }

  /** Copies `text`; where the clipboard is refused, shows it selected for the reader to copy. */
  async #copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      this.say(this.#t.ui.copied);
    } catch {
      const area = el("textarea", { readonly: "", "aria-label": this.#t.ui.copyFailed });
      area.value = text;
      this.#status.replaceChildren(this.#t.ui.copyFailed);
      this.root.querySelector("textarea")?.remove();
      this.root.append(area);
      area.select();
    }
  }
}
