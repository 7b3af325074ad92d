// <synack-viz>: a TCP connection, step by step, as a ladder diagram.
//
// The engine (wasm) runs the scenario to completion and hands over the whole trace;
// this element lays it out once (layout.js), then reveals it step by step. A step
// is a primary event and its immediate consequences (narrate.js). While playing,
// only the arrows in flight change from frame to frame.

import { catalogue, loadEngine, runScenario } from "./engine.js";
import { labelBox, layout, statesAfter, stateFamily, CHAR_W, LINE_H } from "./layout.js";
import { describe, narrate, primary, steps } from "./narrate.js";
import { css } from "./style.js";
import { analogyFor, captureStrings, languageOf, strings } from "./i18n.js";
import { readFragment, writeFragment } from "./permalink.js";
import { isTrap } from "./failure.js";
import { unify } from "./compare.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_U32 = 4294967295;
const MAX_U64 = 2n ** 64n - 1n;
const MODES = ["two-way", "three-way", "four-way"];

let sheet = null;
function styles() {
  if (sheet === null) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  return sheet;
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}, text) {
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

function icon(name) {
  const s = svg("svg", { viewBox: "0 0 16 16", width: 14, height: 14, "aria-hidden": "true", class: "icon" });
  s.append(svg("path", { d: ICONS[name] }));
  return s;
}

const reducedMotion = () => globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;

/** Attribute values, checked: a bad one becomes a readable message (in `t`'s language), not a blank box. */
function readOptions(host, t) {
  const get = (name) => host.getAttribute(name);
  const whole = (name, max) => {
    const v = get(name);
    if (v === null) return undefined;
    if (!/^\s*\d+\s*$/.test(v) || Number(v) > max) throw new Error(t.errors.whole(name, v, max));
    return Number(v);
  };
  // The seed takes the engine's whole range, 0 to 2^64 − 1: past 2^53 a JS number
  // cannot hold it exactly, so it crosses to the engine as a decimal string.
  const seed = get("seed");
  if (seed !== null && (!/^\s*\d+\s*$/.test(seed) || BigInt(seed.trim()) > MAX_U64)) throw new Error(t.errors.whole("seed", seed, MAX_U64));
  const { numbers, speed } = readDisplay(host, t);
  const compare = host.hasAttribute("compare");
  const against = compare ? get("compare") || "two-way" : null;
  if (against !== null && (against === "three-way" || !MODES.includes(against))) throw new Error(t.errors.compare(against));
  const handshake = get("handshake") ?? undefined;
  if (handshake !== undefined && !MODES.includes(handshake)) throw new Error(t.errors.handshake(handshake));
  const scenario = get("scenario") ?? (compare ? "old-duplicate-syn" : "three-way-handshake");
  // The tables name every catalogue id (tests/tests/i18n_keys.rs), so an id they
  // lack is not in the catalogue: say so in the reader's language.
  if (!(scenario in t.scenarios)) throw new Error(t.errors.scenario(scenario));
  return {
    scenario,
    handshake,
    seed: seed === null ? undefined : String(BigInt(seed.trim())),
    isnClient: whole("isn-client", MAX_U32),
    isnServer: whole("isn-server", MAX_U32),
    numbers,
    speed,
    compare: against,
    // The client's rule for an answer to a SYN it never sent. A comparison sets one
    // rule for both diagrams (silent unless told; the line above them says so).
    unexpectedAnswer: oneOf(get("unexpected-answer"), ["ignore", "reset"], t.errors.unexpectedAnswer) ?? (compare ? "ignore" : undefined),
    theme: oneOf(get("theme"), ["light", "dark", "auto"], t.errors.theme),
    start: readStart(host, t),
    analogy: oneOf(get("narration"), ["analogy"], t.errors.narration) === "analogy",
  };
}

/**
 * The step shown first: "end" (the whole diagram, as a figure), or a step number.
 * Unset, a figure without controls shows the end and one with controls starts at 0
 * (its ghost lines preview the lesson); autoplay starts at 0 and plays once seen.
 */
function readStart(host, t) {
  const v = host.getAttribute("start");
  if (v === null || v === "") return host.hasAttribute("controls") || host.hasAttribute("autoplay") ? 0 : "end";
  if (v.trim() === "end") return "end";
  if (!/^\s*\d{1,6}\s*$/.test(v)) throw new Error(t.errors.start(v));
  return Number(v);
}

/** The attributes a scenario and a capture share: how numbers are shown, and the speed. */
function readDisplay(host, t) {
  const numbers = host.getAttribute("numbers") ?? "relative";
  if (!["relative", "absolute", "symbolic"].includes(numbers)) throw new Error(t.errors.numbers(numbers));
  const speedText = host.getAttribute("speed") ?? "1";
  const speed = Number(speedText);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 16) throw new Error(t.errors.speed(speedText));
  return { numbers, speed };
}

/** The attributes a capture uses; the scenario's own (handshake, seed, ISNs, compare) are ignored. */
function readCaptureOptions(host, t) {
  const { numbers, speed } = readDisplay(host, t);
  const conn = host.getAttribute("connection");
  if (conn !== null && !/^\s*[1-9]\d{0,8}\s*$/.test(conn)) throw new Error(t.capture.errors.connection(conn));
  const limit = host.getAttribute("capture-limit");
  if (limit !== null && (!/^\s*[1-9]\d{0,4}\s*$/.test(limit) || Number(limit) > 4096)) throw new Error(t.capture.errors.limit(limit));
  return { numbers, speed, start: readStart(host, t), connection: conn === null ? null : Number(conn), maxBytes: Number(limit ?? 1024) * 2 ** 20 };
}

/** An optional attribute with a few allowed values. */
function oneOf(value, allowed, message) {
  if (value === null || value === "") return null;
  if (!allowed.includes(value)) throw new Error(message(value));
  return value;
}

/** What the engine is asked to run: the checked attributes, one handshake, the losses. */
function engineOptions(options, handshake, drop, horizonUs) {
  const run = { scenario: options.scenario, drop };
  if (handshake) run.handshake = handshake;
  if (options.unexpectedAnswer) run.unexpectedAnswer = options.unexpectedAnswer;
  if (horizonUs !== undefined) run.horizonUs = horizonUs;
  if (options.seed !== undefined) run.seed = options.seed;
  if (options.isnClient !== undefined) run.isnClient = options.isnClient;
  if (options.isnServer !== undefined) run.isnServer = options.isnServer;
  return run;
}

/** Text with each state name kept on one line ("FIN-WAIT-2" never breaks at its hyphen). */
function unbroken(text) {
  return text.split(/(\b(?:SYN-SENT|SYN-RECEIVED|FIN-WAIT-[12]|CLOSE-WAIT|LAST-ACK|TIME-WAIT)\b)/).map((part, i) =>
    i % 2 ? el("span", { class: "nobr" }, part) : document.createTextNode(part));
}

/** One ladder diagram: a trace, its layout, and the SVG showing a prefix of it. */
class Panel {
  constructor(host, heading, t) {
    this.host = host;
    this.t = t;
    this.heading = heading;
    this.root = el("section", { class: "panel" });
    if (heading) this.root.append(el("h3", {}, heading));
    const sides = el("div", { class: "sides" });
    this.badges = {};
    this.sideBoxes = {};
    for (const side of ["client", "server"]) {
      const box = el("div", { class: "side" });
      this.sideBoxes[side] = box;
      box.append(el("b", {}, t.ui[side]));
      const badge = el("span", { class: "badge", "data-side": side, "data-state": "CLOSED", "data-family": "closed", title: t.states.CLOSED }, "CLOSED");
      box.append(badge);
      this.badges[side] = badge;
      sides.append(box);
    }
    // A group, not an image: the segments in flight inside are buttons. Focused,
    // it takes the keyboard (space plays, arrows step); its text alternative is
    // the table below.
    this.svg = svg("svg", { role: "group", class: "diagram", tabindex: "0" });
    this.narration = el("p", { class: "narration", "aria-live": "polite" });
    this.analogy = el("p", { class: "analogy" });
    this.outcome = el("div", { class: "outcome" });
    this.table = el("details", { class: "table" });
    this.root.append(sides, this.svg, this.narration, this.analogy, this.outcome, this.table);
    this.shown = 0;
    this.playY = 0;
    this.nodes = new Map(); // segment id → its <g>
  }

  setTrace(trace, options, title) {
    this.trace = trace;
    this.options = options;
    this.title = title;
    this.ends = steps(trace.events);
    this.relayout();
  }

  relayout() {
    const width = Math.max(300, Math.round(this.root.clientWidth || this.host.clientWidth || 640) - 12);
    this.geo = layout(this.trace, { width, numbers: this.options.numbers, t: this.t });
    this.svg.setAttribute("viewBox", `0 0 ${this.geo.width} ${this.geo.height}`);
    // Centre each side's name and state over its lifeline.
    const scale = (this.svg.clientWidth || this.geo.width) / this.geo.width;
    this.sideBoxes.client.style.left = `${this.geo.xClient * scale}px`;
    this.sideBoxes.server.style.left = `${this.geo.xServer * scale}px`;
    this.svg.setAttribute("aria-label", `${this.t.ui.diagram(this.title)}. ${this.t.ui.keys}`);
    this.drawStatic();
    this.nodes.clear();
    const shown = this.shown;
    this.shown = 0;
    this.show(shown, false);
  }

  /** Lifelines and time breaks: the parts that do not depend on the step. */
  drawStatic() {
    const g = this.geo;
    this.svg.replaceChildren();
    for (const b of g.breaks) {
      const br = svg("g", { class: "break" });
      br.append(svg("line", { x1: 8, x2: g.width - 8, y1: b.y, y2: b.y }));
      const w = b.text.length * CHAR_W + 12;
      br.append(svg("rect", { x: g.width / 2 - w / 2, y: b.y - 9, width: w, height: 18 }));
      br.append(svg("text", { x: g.width / 2, y: b.y + 4, "text-anchor": "middle" }, b.text));
      this.svg.append(br);
    }
    for (const x of [g.xClient, g.xServer]) {
      this.svg.append(svg("line", { class: "lifeline", x1: x, x2: x, y1: 4, y2: g.height - 4 }));
    }
    // The whole ladder, faint: what is still to come has a shape from the start.
    const ghosts = svg("g", { class: "ghosts", "aria-hidden": "true" });
    for (const s of g.segments) {
      ghosts.append(svg("line", { x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2, "data-dir": s.dir }));
    }
    for (const st of g.states) {
      const x = st.side === "client" ? g.xClient : g.xServer;
      ghosts.append(svg("circle", { cx: x, cy: st.y, r: 3 }));
    }
    this.svg.append(ghosts);
    this.phases = svg("g");
    this.layer = svg("g");
    this.labels = svg("g", { class: "labels" });
    this.svg.append(this.phases, this.layer, this.labels);
  }

  /** Show the first `n` events; `animate` slides the arrows in flight. */
  show(n, animate) {
    n = Math.max(0, Math.min(n, this.trace.events.length));
    const from = this.playY;
    this.shown = n;
    this.redrawShown();
    const target = n > 0 ? this.geo.rows[n - 1] + 2 : 0;
    this.tween = animate && target > from && !reducedMotion() ? { from, to: target } : null;
    this.setPlayY(this.tween ? from : target);
    this.updateText();
  }

  /**
   * How far (px) the page must scroll for the newest row to show above this
   * panel's narration, which sticks to the bottom of the window; 0 if it shows.
   */
  overlap() {
    if (this.shown === 0) return 0;
    const box = this.svg.getBoundingClientRect();
    const y = box.top + ((this.geo.rows[this.shown - 1] + 24) * box.height) / this.geo.height;
    const limit = Math.min(this.narration.getBoundingClientRect().top, globalThis.innerHeight ?? Infinity);
    return Math.max(0, y - limit);
  }

  /** Rebuild what exists at step `shown`: segments sent, state pills, marks. */
  redrawShown() {
    const g = this.geo;
    const n = this.shown;
    this.layer.replaceChildren();
    this.labels.replaceChildren();
    this.phases.replaceChildren();
    this.nodes.clear();
    // Lifeline colour by state, up to now.
    for (const side of ["client", "server"]) {
      const x = side === "client" ? g.xClient : g.xServer;
      let state = this.trace.initial?.[side] ?? "CLOSED";
      let y0 = 4;
      for (const s of g.states) {
        if (s.index >= n) break;
        if (s.side !== side) continue;
        this.phases.append(svg("line", { class: `phase ${stateFamily(state)}`, x1: x, x2: x, y1: y0, y2: s.y }));
        state = s.to;
        y0 = s.y;
      }
      const yEnd = n > 0 ? g.rows[n - 1] + 6 : 4;
      if (yEnd > y0) this.phases.append(svg("line", { class: `phase ${stateFamily(state)}`, x1: x, x2: x, y1: y0, y2: yEnd }));
    }
    for (const m of g.marks) {
      if (m.index >= n) break;
      this.layer.append(this.mark(m));
    }
    for (const s of g.segments) {
      if (s.index >= n) continue;
      this.layer.append(this.segmentNode(s));
    }
    for (const s of g.states) {
      if (s.index >= n) break;
      this.layer.append(this.pill(s));
    }
  }

  segmentNode(s) {
    const seg = s.segment;
    const delivered = s.end !== null && s.end < this.shown;
    const inFlight = !delivered && !s.lost;
    const clickable = inFlight && !this.trace.capture && !this.trace.packetdrill; // a recording or a script has no what-if
    const attrs = {
      class: `segment${seg.flags.includes("RST") ? " rst" : ""}${inFlight ? " in-flight" : ""}`,
      "data-id": s.id,
      "data-dir": s.dir,
      "data-flags": seg.flags.join(","),
      "data-seq": seg.seq,
      "data-ack": seg.ack === null ? "" : seg.ack,
      "data-len": seg.len,
    };
    if (s.lost && s.end < this.shown) attrs["data-lost"] = "true";
    if (s.retransmission) attrs["data-retransmission"] = "true";
    if (s.stale) attrs["data-stale"] = "true";
    if (s.duplicate) attrs["data-duplicate"] = "true";
    if (clickable) {
      attrs.tabindex = "0";
      attrs.role = "button";
      attrs["aria-label"] = this.t.ui.lose(s.id, seg.flags.join(","));
    }
    const g = svg("g", attrs);
    if (clickable) g.append(svg("title", {}, attrs["aria-label"]));
    g.append(svg("line", { x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2 }));
    g.append(svg("path", { class: "head", d: "M0,0 L-9,-4.5 L-9,4.5 Z" }));
    // A wide invisible stroke: a segment in flight is easy to click, not a 2 px line.
    if (clickable) g.append(svg("line", { class: "hit", x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2 }));
    // The label hugs the sender's end of the arrow, above the line.
    const { x, y: top, w, h } = labelBox(s);
    const bottom = top + h;
    // Labels live in a layer above every arrow, so no line ever crosses a label.
    const label = svg("g", { class: `seglabel${seg.flags.includes("RST") ? " rst" : ""}`, "data-for": s.id, "data-dir": s.dir, "aria-hidden": "true" });
    if (attrs["data-stale"]) label.setAttribute("data-stale", "true");
    label.append(svg("rect", { class: "label-bg", x, y: bottom - h, width: w, height: h, rx: 3 }));
    s.lines.forEach((line, i) => {
      const t = svg("text", { x: x + 4, y: bottom - h + 12 + i * LINE_H });
      for (const [k, word] of line.split(" ").entries()) {
        const cls = word.startsWith("#") ? "id" : /^[A-Z,]+$/.test(word) ? "flags" : null;
        t.append(svg("tspan", cls ? { class: cls } : {}, (k ? " " : "") + word));
      }
      label.append(t);
    });
    this.labels.append(label);
    if (s.lost) g.append(svg("path", { class: "cross", d: `M${s.x2 - 6},${s.y2 - 6} l12,12 m0,-12 l-12,12` }));
    if (clickable) {
      const id = s.id;
      const drop = (ev) => {
        if (ev.type === "keydown" && ev.key !== "Enter" && ev.key !== " ") return;
        ev.preventDefault();
        this.host.dropSegment(id, this);
      };
      g.addEventListener("click", drop);
      g.addEventListener("keydown", drop);
    }
    this.nodes.set(s.id, { g, s });
    return g;
  }

  pill(s) {
    const x = s.side === "client" ? this.geo.xClient : this.geo.xServer;
    const w = s.to.length * 6.6 + 14;
    const g = svg("g", { class: `pill ${stateFamily(s.to)}` });
    const change = s.from === null ? s.to : `${s.from} → ${s.to}`; // null: the state a capture starts in
    g.append(svg("title", {}, `${this.t.ui[s.side]}: ${change} (${this.t.states[s.to] ?? ""})`));
    g.append(svg("rect", { x: x - w / 2, y: s.y - 9, width: w, height: 18, rx: 9 }));
    g.append(svg("text", { x, y: s.y + 4, "text-anchor": "middle" }, s.to));
    return g;
  }

  mark(m) {
    const geo = this.geo;
    const client = m.side === "client";
    const x = client ? geo.xClient : geo.xServer;
    const g = svg("g", { class: "mark" });
    g.append(svg("title", {}, `${this.t.ui[m.side]}: ${m.text}`));
    g.append(svg("circle", { cx: x, cy: m.y, r: 3.5 }));
    if (m.words) {
      const tx = client ? x - 9 : x + 9;
      g.append(svg("text", { x: tx, y: m.y + 4, "text-anchor": client ? "end" : "start" }, m.text));
    }
    return g;
  }

  /** Move the playhead: arrows in flight reach down to it. */
  setPlayY(y) {
    this.playY = y;
    for (const { g, s } of this.nodes.values()) {
      const lines = g.querySelectorAll("line");
      const head = g.querySelector(".head");
      let reach = Math.min(1, Math.max(0, (y - s.y1) / Math.max(1, s.y2 - s.y1)));
      // A segment on its way is drawn at least a third across: visibly travelling,
      // and big enough to click.
      const delivered = s.end !== null && s.end < this.shown;
      if (!delivered && !s.lost && y >= s.y1) reach = Math.max(reach, 0.35);
      const x = s.x1 + (s.x2 - s.x1) * reach;
      const yy = s.y1 + (s.y2 - s.y1) * reach;
      for (const line of lines) {
        line.setAttribute("x2", x);
        line.setAttribute("y2", yy);
      }
      const angle = (Math.atan2(s.y2 - s.y1, s.x2 - s.x1) * 180) / Math.PI;
      head.setAttribute("transform", `translate(${x},${yy}) rotate(${angle})`);
      head.style.display = s.lost && reach >= 1 ? "none" : "";
    }
  }

  /** One animation frame of a tween; false when it has finished. */
  frame(t) {
    if (!this.tween) return false;
    const { from, to } = this.tween;
    const y = from + (to - from) * t;
    this.setPlayY(y);
    if (t >= 1) this.tween = null;
    return t < 1;
  }

  updateText() {
    const now = statesAfter(this.trace, this.shown);
    for (const side of ["client", "server"]) {
      const b = this.badges[side];
      b.textContent = now[side];
      b.dataset.state = now[side];
      b.dataset.family = stateFamily(now[side]);
      b.title = this.t.states[now[side]] ?? "";
    }
    const t = this.t;
    const k = this.stepIndex();
    // A segment as its label shows it: "SYN,ACK #2 (seq=0 ack=1)".
    const fmt = (e) => {
      const seg = this.geo.segments.find((s) => s.id === e.id && !s.duplicate);
      const words = seg ? seg.lines.join(" ").split(" ").slice(2).join(" ") : "";
      return t.ui.segment(e.segment.flags.join(","), e.id, words);
    };
    if (k === 0) {
      // Before the first step: what the scenario shows, in a sentence or two.
      this.narration.textContent = t.ui.begin(this.trace.capture ? t.capture.begin : t.scenarios[this.options.scenario]?.[1] ?? this.title);
    } else {
      const start = k > 1 ? this.ends[k - 2] : 0;
      const end = this.ends[k - 1];
      const when = el("span", { class: "when" }, t.ui.seconds((this.trace.events[start].t_us / 1e6).toFixed(3)));
      this.narration.replaceChildren(when, ...unbroken(narrate(this.trace.events, start, end, fmt, t)));
    }
    const atEnd = this.shown >= this.trace.events.length;
    this.outcome.replaceChildren();
    if (atEnd) {
      const o = this.trace.outcome;
      const p = el("p");
      const facts = o.facts.map((f) => t.facts[f.key] ?? f.key);
      const end = this.trace.capture ? t.capture.end(o.client, o.server) : this.trace.packetdrill?.end ?? t.ui.end(o.client, o.server);
      p.append(el("strong", {}, end), document.createTextNode(t.say.join(facts)));
      this.outcome.append(p);
    }
    if (!this.tableFor || this.tableFor !== this.geo) this.fillTable(fmt);
    this.analogy.replaceChildren();
    const talk = this.host.analogyTable;
    if (talk && k > 0) {
      const start = k > 1 ? this.ends[k - 2] : 0;
      for (let i = start; i < this.ends[k - 1]; i++) {
        const e = this.trace.events[i];
        const line = e.kind === "send" && talk.lines[e.stale ? "stale" : e.retransmission ? "again" : e.reason_key];
        if (!line) continue;
        const p = el("span");
        p.append(el("b", {}, talk.names[e.side]), el("q", {}, line));
        this.analogy.append(p, document.createTextNode(" "));
      }
    }
  }

  /** The whole trace as a table: the diagram's text alternative. */
  fillTable(fmt) {
    const t = this.t;
    this.tableFor = this.geo;
    const table = el("table");
    table.append(el("caption", {}, t.ui.tableCaption(this.title)));
    const head = el("tr");
    for (const h of [t.ui.colTime, t.ui.colEvent]) head.append(el("th", { scope: "col" }, h));
    table.append(el("thead"));
    table.tHead.append(head);
    const body = el("tbody");
    // The sentence names the side; the reason, with its RFC section, follows it.
    for (const e of this.trace.events) {
      const row = describe(e, fmt, t);
      if (!row) continue;
      const what = el("td", {}, row.what);
      // A state change says what the new state means (RFC 9293 §3.3.2).
      if (e.kind === "state" && t.states[e.to]) what.append(el("span", { class: "why" }, t.ui.means(e.to, t.states[e.to])));
      if (row.why) {
        const why = el("span", { class: "why" }, row.why);
        if (row.rfc) why.append(el("span", { class: "rfc" }, t.ui.cite(row.rfc)));
        what.append(why);
      }
      const tr = el("tr");
      tr.append(el("td", {}, t.ui.seconds((e.t_us / 1e6).toFixed(3))), what);
      body.append(tr);
    }
    table.append(body);
    const scroll = el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": t.ui.table });
    scroll.append(table);
    this.table.replaceChildren(el("summary", {}, t.ui.table), scroll);
  }

  stepIndex() {
    let k = 0;
    while (k < this.ends.length && this.ends[k] <= this.shown) k++;
    return k;
  }
}

export class SynackViz extends HTMLElement {
  static observedAttributes = ["scenario", "handshake", "compare", "unexpected-answer", "start", "seed", "isn-client", "isn-server", "numbers", "speed", "autoplay", "controls", "lang", "theme", "narration", "permalink", "capture", "connection", "capture-limit", "packetdrill"];

  #panels = [];
  #timeline = []; // compare mode: per unified step, how many events each panel shows
  #k = 0; // unified step index
  #playing = false;
  #timer = 0;
  #raf = 0;
  #options = null;
  #built = false;
  #resize = null;
  #visible = null;
  #pendingRebuild = false;
  #firstDraw = false;
  #t = null; // the strings of the element's language (i18n/*.js), once loaded
  #lang = "en";
  #analogy = null; // the conversation table, once loaded (narration="analogy")
  #status = null;
  #linkStep = 0; // the step a permalink asked for, applied on the first draw
  #captureFile = null; // a File or Blob to animate (captureFile), else the capture attribute's URL
  #captureAbort = null; // cancels the capture import under way
  #captureRead = null; // { key, view }: the last capture read, drawn again when only numbers or lang change

  /** The analogy's names and lines when narration="analogy" has loaded them. */
  get analogyTable() {
    return this.#options?.analogy && this.#analogy?.lang === this.#lang ? this.#analogy.table : null;
  }

  /** Space plays or pauses, the arrows step, Home and End jump; form controls keep their own keys. */
  #onKey = (ev) => {
    const target = ev.composedPath()[0];
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || !this.#panels.length) return;
    if (target instanceof Element && target.closest?.("button, select, input, textarea, summary, a, .scroll")) return;
    if (target instanceof Element && target.matches?.("g.segment") && (ev.key === " " || ev.key === "Enter")) return;
    const act = { " ": "play", ArrowRight: "step", ArrowLeft: "back", Home: "restart" }[ev.key];
    if (act) {
      ev.preventDefault();
      this.#act(act);
    } else if (ev.key === "End") {
      ev.preventDefault();
      this.pause();
      this.seek(Infinity);
    }
  };

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [styles()];
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
  }

  #resolveReady = () => {};

  connectedCallback() {
    this.addEventListener("keydown", this.#onKey);
    if (this.hasAttribute("permalink") && !this.#built) {
      const link = readFragment();
      if (link) {
        for (const [k, v] of Object.entries(link.attrs)) this.setAttribute(k, v);
        this.#linkStep = link.step;
      }
    }
    this.#lang = languageOf(this);
    const words = strings(this.#lang);
    // A figure prerendered inside the element (synack-viz/render) stays on show
    // through a slot until the first diagram replaces it; otherwise "Loading…".
    if (!this.shadowRoot.firstChild) this.shadowRoot.append(this.firstElementChild ? el("slot") : el("div", { class: "loading" }));
    words.then((t) => {
      this.#t = t;
      this.shadowRoot.querySelector(".loading")?.replaceChildren(t.ui.loading);
      return loadEngine();
    }).then(
      () => {
        this.#built = true;
        this.#rebuild();
      },
      // Without its strings the element can only say so in English.
      (err) => this.#fail(this.#t ? this.#t.errors.engine(err?.message ?? String(err)) : `could not load: ${err?.message ?? err}`),
    );
    this.#resize = new ResizeObserver(() => this.#relayout());
    this.#resize.observe(this);
  }

  disconnectedCallback() {
    this.#captureAbort?.abort();
    this.removeEventListener("keydown", this.#onKey);
    this.pause();
    this.#resize?.disconnect();
    this.#visible?.disconnect();
    this.#barObserver?.disconnect();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.#built) return;
    if (name === "speed" || name === "autoplay") return;
    if (!this.#pendingRebuild) {
      this.#pendingRebuild = true;
      queueMicrotask(() => {
        this.#pendingRebuild = false;
        this.#rebuild();
      });
    }
  }

  // Properties mirror attributes.
  get scenario() { return this.getAttribute("scenario"); }
  set scenario(v) { this.setAttribute("scenario", v); }
  get handshake() { return this.getAttribute("handshake"); }
  set handshake(v) { this.setAttribute("handshake", v); }
  get numbers() { return this.getAttribute("numbers") ?? "relative"; }
  set numbers(v) { this.setAttribute("numbers", v); }
  get speed() { return Number(this.getAttribute("speed") ?? 1); }
  set speed(v) { this.setAttribute("speed", String(v)); }
  get capture() { return this.getAttribute("capture"); }
  set capture(v) { this.setAttribute("capture", v); }
  get packetdrill() { return this.getAttribute("packetdrill"); }
  set packetdrill(v) { this.setAttribute("packetdrill", v); }
  get connection() { return this.getAttribute("connection"); }
  set connection(v) { this.setAttribute("connection", String(v)); }
  /** A File or Blob to animate instead of the capture attribute's URL (null: the URL again). */
  get captureFile() { return this.#captureFile; }
  set captureFile(blob) {
    this.#captureFile = blob ?? null;
    this.attributeChangedCallback("capture-file", 0, 1); // one rebuild with the attributes set alongside
  }

  /** The events of the current step, per panel, and its primary event. */
  get current() {
    const p = this.#panels[0];
    if (!p || p.shown === 0) return null;
    const k = p.stepIndex();
    return primary(p.trace.events, k > 1 ? p.ends[k - 2] : 0, p.ends[k - 1]);
  }

  /** Steps in all (the scrubber's range). */
  get length() {
    return this.#timeline.length;
  }

  #rebuild() {
    this.pause();
    // A new language (lang set on the element or above it): fetch its tables, then draw in it.
    const lang = languageOf(this);
    if (this.#t?.lang !== lang) {
      this.#lang = lang;
      strings(lang).then(
        (t) => {
          this.#t = t;
          this.#rebuild();
        },
        (err) => this.#fail(`could not load: ${err?.message ?? err}`),
      );
      return;
    }
    this.#captureAbort?.abort();
    this.#captureAbort = null;
    if (this.hasAttribute("packetdrill")) {
      this.#rebuildPacketdrill();
      return;
    }
    if (this.#captureFile || this.hasAttribute("capture")) {
      this.#rebuildCapture();
      return;
    }
    let options;
    try {
      options = readOptions(this, this.#t);
      if (options.analogy && this.#analogy?.lang !== this.#lang) {
        // The conversation's lines come as a chunk of their own; draw again once here.
        const lang = this.#lang;
        analogyFor(lang).then((table) => {
          this.#analogy = { lang, table };
          if (this.#panels.length) this.#apply(false);
        }, () => {});
      }
      const panels = options.compare
        ? [options.compare, options.handshake && options.handshake !== options.compare ? options.handshake : "three-way"]
        : [options.handshake ?? null];
      const traces = this.#runAll(options, panels, panels.map(() => []));
      this.#options = options;
      this.#build(traces, options);
    } catch (err) {
      this.#fail(err?.message ?? String(err));
    }
  }

  /**
   * A recorded connection (capture.js, a chunk of its own): read in a worker with
   * a progress bar, then drawn like a trace. A newer source cancels this one.
   */
  #rebuildCapture() {
    const abort = new AbortController();
    this.#captureAbort = abort;
    const file = this.#captureFile;
    const source = file
      ? { blob: file, name: file.name ?? "" }
      : { url: new URL(this.getAttribute("capture"), document.baseURI).href, name: this.getAttribute("capture") };
    // The capture code and its strings are chunks of their own, fetched only here.
    Promise.all([import("./capture.js"), captureStrings(this.#t.lang)]).then(([cap, { capture }]) => {
      if (abort.signal.aborted) return;
      if (this.#t.capture !== capture) this.#t = { ...this.#t, capture };
      const t = this.#t;
      let options;
      try {
        options = readCaptureOptions(this, t);
      } catch (err) {
        this.#fail(err?.message ?? String(err));
        return;
      }
      // The same source again (numbers or lang changed): draw the view already read.
      const key = [file ?? source.url, options.connection, options.maxBytes];
      const same = (a) => a && a.every((v, i) => v === key[i]);
      cap.adoptStyles(this.shadowRoot);
      if (same(this.#captureRead?.key)) return this.#drawCapture(cap, this.#captureRead.view, options);
      const progress = cap.progressBox(t, source.name);
      this.#panels = [];
      this.shadowRoot.replaceChildren(progress.box);
      return cap.readCapture(source, { ...options, t, onProgress: progress.update, signal: abort.signal }).then((view) => {
        if (abort.signal.aborted) return;
        this.#captureRead = { key, view };
        this.#k = 0;
        this.#drawCapture(cap, view, options);
      });
    }).catch((err) => {
      if (err?.name !== "AbortError" && !abort.signal.aborted) this.#fail(err?.message ?? String(err));
    });
  }

  /** A packetdrill script played against the engine (packetdrill.js, a chunk of its own). */
  #rebuildPacketdrill() {
    const abort = new AbortController();
    this.#captureAbort = abort;
    import("./packetdrill.js").then(async (pd) => {
      const run = await pd.playScript(this, this.#t, readDisplay(this, this.#t), abort.signal);
      if (abort.signal.aborted) return;
      pd.adoptStyles(this.shadowRoot);
      this.#options = run.options;
      this.#build([run.trace], run.options);
    }).catch((err) => {
      if (err?.name !== "AbortError" && !abort.signal.aborted) this.#fail(err?.message ?? String(err));
    });
  }

  #drawCapture(cap, view, options) {
    const t = this.#t;
    const trace = cap.toTrace(view.connection);
    const title = t.capture.title(view.connection.client, view.connection.server);
    this.#options = { ...options, capture: { title, info: cap.infoBox(view, trace, t), numbers: cap.numbersNote(trace, options, t) } };
    this.#build([trace], this.#options);
    this.dispatchEvent(new CustomEvent("synack-capture", { detail: { count: view.count, index: view.index, list: view.list }, bubbles: true, composed: true }));
  }

  /**
   * One trace per panel. In a comparison the reference (last) panel runs first and
   * the other stops a second after it ends: once the outcomes differ, the rest is
   * the same retry again and again (the outcome says so), not the lesson.
   */
  #runAll(options, modes, drops) {
    const last = modes.length - 1;
    const reference = this.#run(engineOptions(options, modes[last], drops[last]));
    const horizon = options.compare ? reference.outcome.end_us + 1_000_000 : undefined;
    const traces = modes.map((mode, i) => (i === last ? reference : this.#run(engineOptions(options, mode, drops[i], horizon))));
    if (!options.compare) {
      this.#numbers = null;
      return traces;
    }
    // One number for the same segment in both diagrams (compare.js).
    const shared = unify(traces);
    this.#numbers = shared;
    return shared.traces;
  }

  /** Runs the engine; its (English) message is wrapped in the reader's language. */
  #run(options) {
    try {
      return runScenario(options);
    } catch (err) {
      if (!isTrap(err)) throw new Error(this.#t.errors.run(err?.message ?? String(err)));
      console.error(err);
      throw new Error(this.#t.errors.crashed);
    }
  }

  #fail(message) {
    this.pause();
    this.#panels = [];
    const box = el("div", { class: "error", role: "alert" });
    box.append(el("strong", {}, this.#t?.ui.errorPrefix ?? "synack: "), document.createTextNode(message));
    this.shadowRoot.replaceChildren(box);
    this.dispatchEvent(new CustomEvent("synack-error", { detail: { message }, bubbles: true, composed: true }));
    this.#resolveReady(false);
  }

  #build(traces, options) {
    const t = this.#t;
    const frame = el("div", { class: "frame", lang: t.lang });
    const t0 = traces[0];
    const heading = options.capture?.title ?? t.scenarios[options.scenario]?.[0] ?? t.customTitle;
    const title = el("div", { class: "title" });
    // connection-refused: the server never sends a SYN, so it has no ISN to name.
    const synFrom = (side) => traces.some((tr) => tr.events.some((e) => e.kind === "send" && e.side === side && e.segment.flags.includes("SYN")));
    const isn = (side) => (synFrom(side) ? t0[side].isn : null);
    const numbersNote = options.capture?.numbers ?? (options.numbers === "absolute" ? t.ui.absoluteNote
      : options.numbers === "symbolic" ? t.ui.symbolicNote(isn("client"), isn("server"))
      : t.ui.relativeNote(isn("client"), isn("server")));
    const mode = t.modes[t0.handshake];
    // The handshake is named when it is not TCP's usual three-way one.
    const showMode = !options.compare && t0.handshake !== "three-way" && !heading.toLowerCase().includes(mode.toLowerCase());
    title.append(
      el("span", {}, heading),
      el("small", {}, options.compare ? `${t.ui.sameNetwork} · ${numbersNote}` : showMode ? `${mode} · ${numbersNote}` : numbersNote),
    );
    const wrap = el("div", { class: `panels${traces.length > 1 ? " two" : ""}` });
    frame.append(title);
    if (options.capture) frame.append(options.capture.info);
    if (options.compare) frame.append(this.#assumption(options));
    frame.append(wrap);
    frame.append(this.#legend(traces, !!options.capture));
    this.shadowRoot.replaceChildren(frame);
    this.#panels = traces.map((trace) => {
      const panel = new Panel(this, traces.length > 1 ? t.modes[trace.handshake] : null, t);
      wrap.append(panel.root);
      return panel;
    });
    this.#panels.forEach((p, i) => p.setTrace(traces[i], options, heading));
    this.#timeline = this.#merge();
    this.#k = Math.min(this.#k, this.#timeline.length);
    const [playback, settings] = this.#controls();
    frame.append(playback, settings, this.#shareBar());
    // The narration sticks just above the playback bar, whose height wraps with the width.
    this.#barObserver?.disconnect();
    if (typeof ResizeObserver !== "undefined") {
      this.#barObserver = new ResizeObserver(() => frame.style.setProperty("--synack-playback-h", `${playback.offsetHeight}px`));
      this.#barObserver.observe(playback);
    }
    if (!this.#firstDraw) {
      const start = options.start ?? 0;
      // A reader who asked for less motion gets the figure, not an animation.
      const still = this.hasAttribute("autoplay") && reducedMotion() && !this.hasAttribute("start");
      this.#k = this.#linkStep || (start === "end" || still ? this.#timeline.length : Math.min(start, this.#timeline.length));
    }
    this.#apply(false);
    if (!this.#firstDraw) {
      this.#firstDraw = true;
      performance.mark("synack-first-draw");
      this.dispatchEvent(new CustomEvent("synack-ready", { bubbles: true, composed: true }));
      this.#resolveReady(true);
      if (this.hasAttribute("autoplay") && !reducedMotion()) this.#autoplay();
    }
  }

  /** The key (legend.js, a chunk), folded away and fetched when first opened. */
  #legend(traces, capture) {
    const t = this.#t;
    const box = el("details", { class: "legend" });
    box.append(el("summary", {}, t.ui.key));
    box.addEventListener("toggle", () => {
      if (!box.open || box.childElementCount > 1) return;
      import("./legend.js").then((m) => m.legend(t, traces, capture)).then((parts) => {
        if (box.childElementCount === 1) box.append(...parts);
      }, (err) => this.#say(err?.message ?? String(err)));
    });
    return box;
  }

  /** The comparison's assumption in one line, with the switch that changes it. */
  #assumption(options) {
    const t = this.#t;
    const rule = options.unexpectedAnswer;
    const select = el("select", { "data-control": "unexpected-answer" });
    for (const v of ["ignore", "reset"]) {
      const o = el("option", { value: v }, t.ui.rule[v]);
      if (v === rule) o.selected = true;
      select.append(o);
    }
    select.addEventListener("change", () => this.setAttribute("unexpected-answer", select.value));
    const label = el("label", {}, `${t.ui.ruleLabel} `);
    label.append(select);
    const line = el("p", { class: "assume" }, `${t.ui.assume[rule]} `);
    line.append(label);
    return line;
  }

  /** Unified steps: each panel's steps keyed by (time, n-th step at that time). */
  #merge() {
    const keyed = this.#panels.map((p) => {
      const seen = new Map();
      return p.ends.map((end, i) => {
        const t = p.trace.events[i > 0 ? p.ends[i - 1] : 0].t_us;
        const n = seen.get(t) ?? 0;
        seen.set(t, n + 1);
        return { t, n, end };
      });
    });
    const keys = [...new Set(keyed.flat().map((k) => `${k.t}:${k.n}`))]
      .map((s) => s.split(":").map(Number))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return keys.map(([t, n]) =>
      keyed.map((steps) => {
        let shown = 0;
        for (const s of steps) if (s.t < t || (s.t === t && s.n <= n)) shown = s.end;
        return shown;
      }),
    );
  }

  #controls() {
    const t = this.#t;
    // Playback is always there (an element without `controls` is never stuck) and
    // stays in view at the bottom of the window while the element is on screen; the
    // settings come with `controls`.
    const play = el("div", { class: "playback", role: "toolbar", "aria-label": t.ui.playback });
    const bar = el("div", { class: "controls", role: "toolbar", "aria-label": t.ui.settings });
    bar.hidden = !this.hasAttribute("controls");
    const button = (action, label) => {
      const b = el("button", { type: "button", "data-action": action, "aria-label": label, title: label });
      b.append(icon(action));
      if (action === "play") b.append(el("span", {}, t.ui.play));
      b.addEventListener("click", () => this.#act(action));
      return b;
    };
    this.#playButton = button("play", t.ui.play);
    play.append(button("restart", t.ui.restart), button("back", t.ui.back), this.#playButton, button("step", t.ui.step));
    // Restart forgets the reader's losses; this one plays them again from the start.
    this.#replayButton = el("button", { type: "button", "data-action": "replay", title: t.ui.replayTitle }, t.ui.replay);
    this.#replayButton.addEventListener("click", () => this.#act("replay"));
    this.#replayButton.hidden = !this.#panels.some((p) => p.drops?.length);
    play.append(this.#replayButton);
    const scrub = el("input", { type: "range", class: "scrub", min: "0", max: String(this.#timeline.length), value: String(this.#k), "aria-label": t.ui.timeline });
    scrub.addEventListener("input", () => {
      this.pause();
      this.#k = Number(scrub.value);
      this.#apply(false);
    });
    this.#scrub = scrub;
    this.#count = el("span", { class: "count", "aria-live": "off" });
    play.append(scrub, this.#count);
    const select = (label, options, value, onChange) => {
      const l = el("label", {}, label);
      const s = el("select", { "aria-label": label });
      for (const [v, text] of options) {
        const o = el("option", { value: v }, text);
        if (v === value) o.selected = true;
        s.append(o);
      }
      s.addEventListener("change", () => onChange(s.value));
      l.append(s);
      return l;
    };
    const o = this.#options;
    bar.append(select(t.ui.speed, [["0.5", "½×"], ["1", "1×"], ["2", "2×"], ["4", "4×"]], String(o.speed), (v) => this.setAttribute("speed", v)));
    if (o.capture) {
      // A recording has no handshake to choose, no ISNs to set and no scenario.
      bar.append(select(t.ui.numbers, [["relative", t.ui.relative], ["symbolic", t.ui.symbolic], ["absolute", t.ui.absolute]], o.numbers, (v) => this.setAttribute("numbers", v)));
      return [play, bar];
    }
    if (!o.compare) {
      bar.append(select(t.ui.handshake, MODES.map((m) => [m, t.modes[m]]), this.#panels[0].trace.handshake, (v) => this.setAttribute("handshake", v)));
    }
    bar.append(select(t.ui.numbers, [["relative", t.ui.relative], ["symbolic", t.ui.symbolic], ["absolute", t.ui.absolute]], o.numbers, (v) => this.setAttribute("numbers", v)));
    // ISNs: typed in, or new random ones (from a new seed; the engine itself never
    // draws random numbers).
    const trace = this.#panels[0].trace;
    for (const [side, attr] of [["client", "isn-client"], ["server", "isn-server"]]) {
      const word = t.ui[`${side}Word`];
      const l = el("label", {}, t.ui.isn(word));
      const input = el("input", { type: "number", min: "0", max: String(MAX_U32), step: "1", value: String(trace[side].isn), class: "isn", "aria-label": t.ui.isnLabel(word) });
      input.addEventListener("change", () => this.setAttribute(attr, input.value.trim()));
      l.append(input);
      bar.append(l);
    }
    const fresh = el("button", { type: "button", "data-action": "new-isns", title: t.ui.newIsnsTitle }, t.ui.newIsns);
    fresh.addEventListener("click", () => {
      this.removeAttribute("isn-client");
      this.removeAttribute("isn-server");
      this.setAttribute("seed", String(Math.floor(Math.random() * 2 ** 32)));
    });
    bar.append(fresh);
    const ids = catalogue().map((e) => [e.id, t.scenarios[e.id]?.[0] ?? e.id]);
    bar.append(select(t.ui.scenario, ids, o.scenario, (v) => this.setAttribute("scenario", v)));
    return [play, bar];
  }

  /** Copy link (with permalink), SVG, PNG and Mermaid; shown with the controls. */
  #shareBar() {
    const t = this.#t;
    const bar = el("div", { class: "share", role: "toolbar", "aria-label": t.ui.share });
    bar.hidden = !this.hasAttribute("controls");
    const button = (action, label, title, run) => {
      const b = el("button", { type: "button", "data-action": action, title }, label);
      b.addEventListener("click", () => run().catch((err) => this.#say(err?.message ?? String(err))));
      bar.append(b);
    };
    if (this.hasAttribute("permalink")) {
      button("copy-link", t.ui.copyLink, t.ui.copyLink, () => this.#copy(writeFragment(this, this.#k)));
    }
    button("export-svg", t.ui.exportSvg, t.ui.exportSvgTitle, async () => {
      const ex = await import("./export.js");
      const file = `${this.#options.capture ? "capture" : this.#options.scenario}.svg`;
      ex.download(new Blob([await this.exportSvg()], { type: "image/svg+xml" }), file);
      this.#say(t.ui.downloaded(file));
    });
    button("export-png", t.ui.exportPng, t.ui.exportPngTitle, async () => {
      const ex = await import("./export.js");
      const file = `${this.#options.capture ? "capture" : this.#options.scenario}.png`;
      ex.download(await this.exportPng(), file);
      this.#say(t.ui.downloaded(file));
    });
    button("copy-mermaid", t.ui.copyMermaid, t.ui.copyMermaidTitle, async () => this.#copy(await this.exportMermaid()));
    this.#status = el("span", { class: "status", role: "status" });
    bar.append(this.#status);
    return bar;
  }

  #say(text) {
    if (this.#status) this.#status.textContent = text;
  }

  /** Copies `text`; where the clipboard is refused, shows it selected for the reader to copy. */
  async #copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      this.#say(this.#t.ui.copied);
    } catch {
      const area = el("textarea", { readonly: "", "aria-label": this.#t.ui.copyFailed });
      area.value = text;
      this.#status.replaceChildren(this.#t.ui.copyFailed);
      this.#status.parentNode.querySelector("textarea")?.remove();
      this.#status.parentNode.append(area);
      area.select();
    }
  }

  /** The first diagram's title; throws a readable error when nothing is drawn (a bad attribute). */
  #exportTitle() {
    if (!this.#panels.length) throw new Error(this.#t?.ui.nothingToExport ?? "nothing to export");
    return this.#panels[0].title;
  }

  /** The diagram as shown now, as the text of a standalone SVG file. */
  async exportSvg() {
    await this.ready;
    const ex = await import("./export.js");
    return ex.svgFile(this, this.#panels, this.#exportTitle(), css).text;
  }

  /** The diagram as shown now, as a PNG blob (twice the on-screen size). */
  async exportPng() {
    await this.ready;
    const ex = await import("./export.js");
    return ex.pngBlob(ex.svgFile(this, this.#panels, this.#exportTitle(), css));
  }

  /** The steps shown so far as Mermaid sequence-diagram text (a comparison: both diagrams). */
  async exportMermaid() {
    await this.ready;
    this.#exportTitle();
    const ex = await import("./export.js");
    return ex.mermaid(this.#panels);
  }

  #playButton = null;
  #replayButton = null;
  #numbers = null; // a comparison's shared segment numbers (compare.js)
  #barObserver = null;
  #scrub = null;
  #count = null;

  #act(action) {
    if (action === "play") this.#playing ? this.pause() : this.play();
    else if (action === "step") { this.pause(); this.step().then(() => this.#follow()); }
    else if (action === "back") { this.pause(); this.back(); }
    else if (action === "restart") this.restart();
    else if (action === "replay") this.reset();
  }

  /** Show unified step #k in every panel. */
  #apply(animate) {
    const shown = this.#k > 0 ? this.#timeline[this.#k - 1] : this.#panels.map(() => 0);
    this.#panels.forEach((p, i) => p.show(shown[i], animate));
    if (this.#scrub) {
      this.#scrub.max = String(this.#timeline.length);
      this.#scrub.value = String(this.#k);
    }
    if (this.#count) this.#count.textContent = `${this.#k} / ${this.#timeline.length}`;
    if (this.#scrub) this.#scrub.setAttribute("aria-valuetext", this.#t.ui.stepOf(this.#k, this.#timeline.length));
    if (this.hasAttribute("permalink") && this.#firstDraw) writeFragment(this, this.#k);
    if (animate) this.#animate();
  }

  #animate() {
    cancelAnimationFrame(this.#raf);
    const start = performance.now();
    const dur = 420 / this.speed;
    const tick = (now) => {
      const t = Math.min(1, (now - start) / dur);
      const eased = 1 - (1 - t) ** 2;
      let more = false;
      for (const p of this.#panels) more = p.frame(eased) || more;
      if (more && t < 1) this.#raf = requestAnimationFrame(tick);
    };
    this.#raf = requestAnimationFrame(tick);
  }

  #relayout() {
    for (const p of this.#panels) {
      const before = p.geo?.width;
      const width = Math.round(p.root.clientWidth) - 12;
      if (before !== undefined && Math.abs(width - before) < 2) continue;
      p.relayout();
    }
  }

  #autoplay() {
    if (typeof IntersectionObserver === "undefined") return this.play();
    this.#visible = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        this.#visible.disconnect();
        this.play();
      }
    }, { threshold: 0.3 });
    this.#visible.observe(this);
  }

  /** Show the next step; resolves to its primary event, or null at the end. */
  async step() {
    await this.ready;
    if (!this.#panels.length || this.#k >= this.#timeline.length) return null;
    this.#k++;
    this.#apply(true);
    const event = this.current;
    this.dispatchEvent(new CustomEvent("synack-step", { detail: { event, index: this.#k }, bubbles: true, composed: true }));
    return event;
  }

  async back() {
    await this.ready;
    if (this.#k === 0) return null;
    this.#k--;
    this.#apply(false);
    return this.current;
  }

  /** Back to the first step, keeping any segments the reader made lose. */
  async reset() {
    await this.ready;
    this.pause();
    this.#k = 0;
    this.#apply(false);
  }

  /** Back to the scenario as given: the first step, and no segment lost by the reader. */
  async restart() {
    await this.ready;
    this.pause();
    if (this.#panels.some((p) => p.drops?.length)) {
      for (const p of this.#panels) p.drops = [];
      const traces = this.#runAll(this.#options, this.#panels.map((p) => p.trace.handshake), this.#panels.map(() => []));
      this.#panels.forEach((p, i) => p.setTrace(traces[i], this.#options, p.title));
      this.#timeline = this.#merge();
      if (this.#replayButton) this.#replayButton.hidden = true;
    }
    this.#k = 0;
    this.#apply(false);
  }

  /** Show the first `n` steps (Infinity: all). */
  async seek(n) {
    await this.ready;
    this.#k = Math.max(0, Math.min(Number(n) || 0, this.#timeline.length));
    this.#apply(false);
  }

  play() {
    if (this.#playing || !this.#panels.length) return;
    if (this.#k >= this.#timeline.length) this.#k = 0;
    this.#playing = true;
    this.#setPlayLabel();
    const next = async () => {
      if (!this.#playing) return;
      const e = await this.step();
      this.#follow();
      if (e === null || this.#k >= this.#timeline.length) {
        this.pause();
        return;
      }
      this.#timer = setTimeout(next, 1400 / this.speed);
    };
    next();
  }

  /**
   * The diagram follows the reader's steps: when the newest row would fall behind
   * the narration and playback bars that stay in view, scroll the page just enough.
   */
  #follow() {
    const box = this.getBoundingClientRect();
    if (box.top > (globalThis.innerHeight ?? 0) || box.bottom < 0) return; // not on screen: leave the page alone
    // Only panels the reader can see now (stacked on a phone, the other is below).
    const seen = this.#panels.filter((p) => {
      const r = p.root.getBoundingClientRect();
      return r.top < (globalThis.innerHeight ?? 0) && r.bottom > 0;
    });
    const by = Math.max(0, ...seen.map((p) => p.overlap()));
    if (by > 0) globalThis.scrollBy({ top: by, behavior: reducedMotion() ? "auto" : "smooth" });
  }

  pause() {
    this.#playing = false;
    clearTimeout(this.#timer);
    this.#setPlayLabel();
  }

  #setPlayLabel() {
    if (!this.#playButton) return;
    if (!this.#t) return;
    const label = this.#playing ? this.#t.ui.pause : this.#t.ui.play;
    this.#playButton.replaceChildren(icon(this.#playing ? "pause" : "play"), el("span", {}, label));
    this.#playButton.setAttribute("aria-label", label);
    this.#playButton.title = label;
  }

  /** Run again as if segment `id` were lost (in one panel, or in all). */
  async dropSegment(id, panel = null) {
    await this.ready;
    id = Number(id);
    if (this.#options?.capture) return; // a recording has no what-if
    const targets = panel ? [panel] : this.#panels;
    const held = this.#k;
    // The engine knows its segments by its own numbers; a comparison shows shared ones.
    const lostIn = this.#panels.map(() => null);
    for (const [i, p] of this.#panels.entries()) {
      if (!targets.includes(p) || !p.trace.events.some((e) => e.kind === "send" && e.id === id)) continue;
      lostIn[i] = this.#numbers?.toEngine[i].get(id) ?? id;
      p.drops = [...(p.drops ?? []), lostIn[i]];
    }
    // All panels again: a loss in the reference diagram moves the other's horizon.
    const traces = this.#runAll(this.#options, this.#panels.map((p) => p.trace.handshake), this.#panels.map((p) => p.drops ?? []));
    this.#panels.forEach((p, i) => p.setTrace(traces[i], this.#options, p.title));
    this.#timeline = this.#merge();
    if (this.#replayButton) this.#replayButton.hidden = !this.#panels.some((p) => p.drops?.length);
    // Stay where the reader was, but at least far enough to show the loss.
    let k = Math.min(held, this.#timeline.length);
    for (const [i, p] of this.#panels.entries()) {
      if (lostIn[i] === null) continue;
      const shown = this.#numbers?.toShown[i].get(lostIn[i]) ?? lostIn[i];
      const lost = p.trace.events.findIndex((e) => e.kind === "drop" && e.id === shown);
      while (lost >= 0 && k < this.#timeline.length && (k === 0 || this.#timeline[k - 1][i] <= lost)) k++;
    }
    this.#k = k;
    this.#apply(false);
  }
}

if (!customElements.get("synack-viz")) customElements.define("synack-viz", SynackViz);
