// The element's attributes, read and checked: a bad value becomes a readable
// message in the reader's language (a `problem`), not a blank box; and what the
// engine is asked to run.

import { needsFull } from "./engine.js";

export const MAX_U32 = 4294967295;
const MAX_U64 = 2n ** 64n - 1n;
export const MODES = ["two-way", "three-way", "four-way"];
/** What a comparison can set beside the scenario as written (synack-core's Variant). */
export const VARIANTS = ["linux", "no-time-wait", "abort", "isn-clock"];
/** The scenario a comparison shows when none is named. */
const COMPARED = { linux: "three-way-handshake", "no-time-wait": "final-ack-lost", abort: "four-way-teardown", "isn-clock": "isn-choice" };
/** Attribute values, checked: a bad one becomes a readable message (in `t`'s language), not a blank box. */
export function readOptions(host, t) {
  const get = (name) => host.getAttribute(name);
  const whole = (name, max) => {
    const v = get(name);
    if (v === null) return undefined;
    if (!/^\s*\d+\s*$/.test(v) || Number(v) > max) throw problem("whole", name, v, max);
    return Number(v);
  };
  // The seed takes the engine's whole range, 0 to 2^64 − 1: past 2^53 a JS number
  // cannot hold it exactly, so it crosses to the engine as a decimal string.
  const seed = get("seed");
  if (seed !== null && (!/^\s*\d+\s*$/.test(seed) || BigInt(seed.trim()) > MAX_U64)) throw problem("whole", "seed", seed, MAX_U64);
  const { numbers, speed } = readDisplay(host, t);
  const compare = host.hasAttribute("compare");
  const against = compare ? get("compare") || "two-way" : null;
  const variant = VARIANTS.includes(against);
  if (against !== null && !variant && (against === "three-way" || !MODES.includes(against))) throw problem("compare", against);
  const handshake = get("handshake") ?? undefined;
  if (handshake !== undefined && !MODES.includes(handshake)) throw problem("handshake", handshake);
  const scenario = get("scenario") ?? (compare ? COMPARED[against] ?? "old-duplicate-syn" : "three-way-handshake");
  // The tables name every catalogue id (tests/tests/i18n_keys.rs), the full
  // engine's in more-*.js: an id that is neither is not in the catalogue. Say so
  // in the reader's language.
  if (!(scenario in t.scenarios) && !needsFull(scenario)) throw problem("scenario", scenario);
  return {
    scenario,
    handshake,
    seed: seed === null ? undefined : String(BigInt(seed.trim())),
    isnClient: whole("isn-client", MAX_U32),
    isnServer: whole("isn-server", MAX_U32),
    numbers,
    speed,
    compare: against,
    // A comparison's diagrams, left to right: what each runs, and its heading.
    runs: !compare ? [{ handshake }]
      : variant ? [{ handshake, variant: against }, { handshake }]
      : [{ handshake: against }, { handshake: handshake && handshake !== against ? handshake : "three-way" }],
    // The client's rule for an answer to a SYN it never sent. A comparison sets one
    // rule for both diagrams (silent unless told; the line above them says so).
    unexpectedAnswer: oneOf(get("unexpected-answer"), ["ignore", "reset"], "unexpectedAnswer") ?? (compare && !variant ? "ignore" : undefined),
    theme: oneOf(get("theme"), ["light", "dark", "auto"], "theme"),
    start: readStart(host, t),
    analogy: oneOf(get("narration"), ["analogy"], "narration") === "analogy",
  };
}

/**
 * The step shown first: "end" (the whole diagram, as a figure), or a step number.
 * Unset, a figure without controls shows the end and one with controls starts at 0
 * (its ghost lines preview the lesson); autoplay starts at 0 and plays once seen.
 */
export function readStart(host, t) {
  const v = host.getAttribute("start");
  if (v === null || v === "") {
    // A figure prerendered inside the element (the Hexo and markdown-it plugins,
    // synack-viz render) shows the end: the live diagram takes over where it was.
    if (host.querySelector(":scope > svg, :scope > img")) return "end";
    return host.hasAttribute("controls") || host.hasAttribute("autoplay") ? 0 : "end";
  }
  if (v.trim() === "end") return "end";
  if (!/^\s*\d{1,6}\s*$/.test(v)) throw problem("start", v);
  return Number(v);
}

/** The attributes a scenario and a capture share: how numbers are shown, and the speed. */
export function readDisplay(host, t) {
  const numbers = host.getAttribute("numbers") ?? "relative";
  if (!["relative", "absolute", "symbolic"].includes(numbers)) throw problem("numbers", numbers);
  const speedText = host.getAttribute("speed") ?? "1";
  const speed = Number(speedText);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 16) throw problem("speed", speedText);
  return { numbers, speed };
}

/** An optional attribute with a few allowed values (`key`: its message in `errors`). */
function oneOf(value, allowed, key) {
  if (value === null || value === "") return null;
  if (!allowed.includes(value)) throw problem(key, value);
  return value;
}

/**
 * A bad value or a failure, to be told with the `errors` table's message `key`
 * (i18n/more-*.js, which the element fetches only when it has one to show).
 */
export function problem(key, ...args) {
  return Object.assign(new Error(key), { problem: key, args });
}

/** What the engine is asked to run: the checked attributes, one diagram's handshake and variant, the losses. */
export function engineOptions(options, { handshake, variant }, drop, horizonUs) {
  const run = { scenario: options.scenario, drop };
  if (handshake) run.handshake = handshake;
  if (variant) run.variant = variant;
  if (options.unexpectedAnswer) run.unexpectedAnswer = options.unexpectedAnswer;
  if (horizonUs !== undefined) run.horizonUs = horizonUs;
  if (options.seed !== undefined) run.seed = options.seed;
  if (options.isnClient !== undefined) run.isnClient = options.isnClient;
  if (options.isnServer !== undefined) run.isnServer = options.isnServer;
  return run;
}
