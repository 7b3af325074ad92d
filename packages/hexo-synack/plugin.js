// hexo-synack: <synack-viz> in Hexo posts, with nothing to copy by hand.
//
//   {% synack three-way-handshake %}
//   {% synack old-duplicate-syn compare lang=zh-CN %}
//
//   ```synack
//   scenario: four-way-teardown
//   numbers: absolute
//   ```
//
// Each becomes the element with its diagram prerendered inside
// (synack-viz/render): readers without JavaScript, feed readers and print see the
// figure, and the element takes over where scripts run, in the same box. The element's files are
// generated into the site (public/synack/), and the module script is added only
// to pages that hold an element. Options in _config.yml (all optional):
//
//   synack:
//     dir: synack        # where the element's files go in the site
//     controls: true     # the player's controls, unless a figure says controls=false
//     width: 640         # the prerendered drawing's width in pixels

"use strict";

const fs = require("node:fs");
const path = require("node:path");

const PACKAGE = path.dirname(require.resolve("synack-viz/package.json"));
// What a browser may fetch: the element's modules, its chunks and wasm. Not the
// Node renderer, the types or the package's own files.
// (synack-embed.js, the one-file build, is for sites that host a single file.)
const BROWSER = (rel) => (rel.endsWith(".js") && !rel.includes("/") && rel !== "synack-embed.js") || /^(pkg|pkg-full|capture)\//.test(rel);

function filesUnder(dir, prefix = "") {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

/** The Chinese tables for any Chinese site language, English otherwise (as the element decides). */
function siteLang(config) {
  const first = [].concat(config.language ?? [])[0];
  return typeof first === "string" && /^zh\b/i.test(first) ? "zh-CN" : "en";
}

module.exports = function plugin(hexo) {
  const settings = { dir: "synack", controls: true, width: 640, ...hexo.config.synack };
  const dir = String(settings.dir).replace(/^\/+|\/+$/g, "");
  let renderer = null;
  const load = () => (renderer ??= import("synack-viz/render"));

  /** The element for `options` (a tag's or a fence's), with its figure inside. */
  async function figure(options, where) {
    const { renderSync } = await load();
    const full = { ...options, width: settings.width };
    if (!("lang" in full)) full.lang = siteLang(hexo.config);
    if (!("controls" in full)) full.controls = settings.controls;
    if (!full.scenario) throw new Error(`synack: ${where} names no scenario, e.g. {% synack three-way-handshake %}`);
    try {
      return renderSync(full).html;
    } catch (err) {
      // Hexo prints the message; the post and the figure make it findable.
      throw new Error(`${err.message} (${where})`);
    }
  }

  const sourceOf = (data) => (data?.source ? `source/${data.source}` : "a post");

  hexo.extend.tag.register(
    "synack",
    async function synackTag(args) {
      const where = `{% synack ${args.join(" ")} %} in ${sourceOf(this)}`;
      const { optionsFromWords } = await load();
      return figure(optionsFromWords(args, where), where);
    },
    { async: true },
  );

  // ```synack fences become the tag before Hexo's own fence filter (priority 10)
  // turns them into highlighted code.
  const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*synack[ \t]*\r?\n([\s\S]*?)\r?\n\1\2[ \t]*$/gm;
  hexo.extend.filter.register(
    "before_post_render",
    async (data) => {
      if (!data.content || !data.content.includes("synack")) return data;
      const { optionsFromFence } = await load();
      data.content = data.content.replace(FENCE, (block, indent, fence, body) => {
        const where = `the \`\`\`synack block in ${sourceOf(data)}`;
        const options = optionsFromFence(body, where);
        const words = Object.entries(options).map(([k, v]) => {
          if (/[\s"'%{}]/.test(String(v))) throw new Error(`synack: ${k}: "${v}" in ${where} has a space or a quote; no attribute takes one`);
          return `${k}=${v}`;
        });
        return `${indent}{% synack ${words.join(" ")} %}`;
      });
      return data;
    },
    9,
  );

  // Hexo (and themes) describe a post by its first 200 characters of text when
  // it has no `description`; a figure's text (its style sheet, its labels) is no
  // description. Such a post gets its text without the figures instead.
  hexo.extend.filter.register("after_post_render", (data) => {
    if (data.description || typeof data.content !== "string" || !data.content.includes("<synack-viz")) return data;
    const strip = hexo.extend.helper.get("strip_html");
    const text = strip(data.content.replace(/<synack-viz[\s\S]*?<\/synack-viz>/g, " ")).replace(/\s+/g, " ").trim();
    if (text) data.description = text.slice(0, 200);
    return data;
  });

  // The element's files, copied as they are (generated routes are never rendered).
  hexo.extend.generator.register("synack", () =>
    filesUnder(PACKAGE)
      .filter(BROWSER)
      .map((rel) => ({ path: `${dir}/${rel}`, data: () => fs.createReadStream(path.join(PACKAGE, rel)) })),
  );

  // The module script, once, on each page that holds an element.
  hexo.extend.filter.register("after_render:html", (html) => {
    if (!html.includes("<synack-viz") || html.includes('data-synack-script')) return html;
    const src = hexo.extend.helper.get("url_for").call(hexo, `/${dir}/synack.js`);
    const script = `<script type="module" src="${src}" data-synack-script></script>`;
    return html.includes("</head>") ? html.replace("</head>", `${script}</head>`) : script + html;
  });
};
