// Which language an element speaks, and its strings. Each language is a module of
// its own (a chunk once bundled): a page fetches only the one it speaks, starting
// as soon as this module runs, alongside the wasm.

import { needsFull } from "./engine.js";

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

const tables = {};

/** The strings for `lang` ("en" or "zh-CN"), loaded once. */
export function strings(lang) {
  tables[lang] ??= lang === "zh-CN" ? import("./i18n/zh-CN.js") : import("./i18n/en.js");
  return tables[lang];
}

const analogies = {};

/** The conversation told beside the protocol view (narration="analogy"), loaded on first use. */
export function analogyFor(lang) {
  analogies[lang] ??= lang === "zh-CN" ? import("./i18n/analogy-zh-CN.js") : import("./i18n/analogy-en.js");
  return analogies[lang];
}

const captures = {};

/** The strings of a recorded connection (<synack-viz capture>), loaded on first use. */
export function captureStrings(lang) {
  captures[lang] ??= lang === "zh-CN" ? import("./i18n/capture-zh-CN.js") : import("./i18n/capture-en.js");
  return captures[lang];
}

// Start fetching the page's language now, with the engine.
if (typeof document !== "undefined") strings(languageOf(document.documentElement)).catch(() => {});

const more = {};

/**
 * The strings `t` with what only some diagrams need (i18n/more-*.js): the rarer
 * reasons and facts, when one of `traces` names a key `t` lacks, the summary of
 * a scenario of the full engine (its title and summary are there), a queue, a cut path or a
 * host not drawn, and a comparison's words, when `compare`. Null when nothing is
 * missing: the base tables hold what the handshake and the teardown say, and
 * any other story, a loss the reader causes or a comparison fetches the rest once.
 */
export function withMore(t, traces, compare) {
  const lacks = (tr) => needsFull(tr.scenario)
    || tr.events.some((e) => (e.reason_key && !(e.reason_key in t.reasons)) || e.cause === "cut" || e.cause === "no-host" || e.kind === "queue")
    || (tr.outcome?.facts ?? []).some((f) => !(f.key in t.facts));
  return t.more || !(compare || traces.some(lacks)) ? null : withAll(t);
}

/** The strings `t` with all of i18n/more-*.js, such as the `errors` a failure is told with. */
export function withAll(t) {
  if (t.more) return Promise.resolve(t);
  more[t.lang] ??= t.lang === "zh-CN" ? import("./i18n/more-zh-CN.js") : import("./i18n/more-en.js");
  return more[t.lang].then((m) => ({
    ...t,
    more: true,
    ui: { ...t.ui, ...m.ui },
    reasons: { ...t.reasons, ...m.reasons },
    facts: { ...t.facts, ...m.facts },
    say: { ...t.say, ...m.say },
    marks: { ...t.marks, ...m.marks },
    errors: m.errors,
    scenarios: { ...t.scenarios, ...m.scenarios },
  }));
}
