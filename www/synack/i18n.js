// Which language an element speaks, and its strings. English is always here;
// Chinese is fetched (a separate chunk once bundled) only when a page asks for it.

import * as en from "./i18n/en.js";

export const LANGS = ["en", "zh-CN"];

/**
 * The element's language: its own `lang`, else the nearest `lang` above it (an
 * element inside a shadow root looks through the host), else English.
 * Any Chinese tag (zh, zh-Hans, zh-CN, zh-TW …) gets the Chinese tables.
 */
export function languageOf(host) {
  let node = host;
  while (node) {
    if (node.nodeType === 1 && node.hasAttribute("lang")) return normalise(node.getAttribute("lang"));
    node = node.parentNode ?? node.host ?? null;
  }
  return "en";
}

function normalise(tag) {
  return /^zh\b/i.test(tag.trim()) ? "zh-CN" : "en";
}

let chinese = null;

/** The strings for `lang`; resolves at once for English. */
export function strings(lang) {
  if (lang !== "zh-CN") return Promise.resolve(en);
  chinese ??= import("./i18n/zh-CN.js");
  return chinese;
}

export { en };

/** A catalogue scenario's [title, summary] in `t`'s language, or null for an unknown id. */
export function scenarioText(t, id) {
  return t.scenarios[id] ?? null;
}

const analogies = {};

/** The conversation told beside the protocol view (narration="analogy"), loaded on first use. */
export function analogyFor(lang) {
  analogies[lang] ??= lang === "zh-CN" ? import("./i18n/analogy-zh-CN.js") : import("./i18n/analogy-en.js");
  return analogies[lang];
}
