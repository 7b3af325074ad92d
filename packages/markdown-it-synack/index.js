// markdown-it-synack: a ```synack fenced block, one `key: value` attribute a
// line, becomes <synack-viz> with its diagram prerendered inside (synack-viz/render).
//
//   import MarkdownIt from "markdown-it";
//   import synack from "markdown-it-synack";
//   const md = new MarkdownIt().use(synack, { script: "/synack/synack.js", lang: "zh-CN" });
//
//   ```synack
//   scenario: old-duplicate-syn
//   compare: two-way
//   ```
//
// Options: `script`, the URL of the element's synack.js (the package's files,
// served by your site): when set, the first figure of each rendered document
// brings its <script type="module"> along; `lang` ("en" or "zh-CN"), `controls`
// (default true) and `width` (the drawing's width, default 640) apply to every
// block unless the block says otherwise. Bad input throws an Error naming the
// line, when the whole page is built: never a broken figure.

import { optionsFromFence, renderSync } from "synack-viz/render";

const escapeAttr = (text) => String(text).replace(/[&"<]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;" })[c]);

export default function synack(md, { script = null, lang = null, controls = true, width = 640 } = {}) {
  const fence = md.renderer.rules.fence;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (token.info.trim().split(/\s+/)[0] !== "synack") return fence(tokens, idx, options, env, self);
    const where = `the synack block at line ${token.map ? token.map[0] + 1 : "?"}${env?.file ? ` of ${env.file}` : ""}`;
    const found = optionsFromFence(token.content, where);
    if (!found.scenario) throw new Error(`synack: ${where} names no scenario (scenario: three-way-handshake)`);
    let html;
    try {
      const full = { ...found, width };
      if (lang && !("lang" in full)) full.lang = lang;
      if (!("controls" in full)) full.controls = controls;
      html = renderSync(full).html;
    } catch (err) {
      throw new Error(err.message.includes(where) ? err.message : `${err.message} (${where})`);
    }
    if (script && env && typeof env === "object" && !env.synackScript) {
      env.synackScript = true;
      html = `<script type="module" src="${escapeAttr(script)}"></script>\n${html}`;
    }
    return `${html}\n`;
  };
}
