// One ladder diagram: a trace, its layout (layout.js), and the SVG showing a
// prefix of it, with its side badges, narration, outcome and table.

import { labelBox, layout, numbering, statesAfter, stateFamily, CHAR_W, LINE_H } from "./layout.js";
import { describe, narrate, steps } from "./narrate.js";
import { el, reducedMotion, svg, unbroken, SVG } from "./dom.js";

/** One ladder diagram: a trace, its layout, and the SVG showing a prefix of it. */
export class Panel {
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
    this.table.append(el("summary", {}, t.ui.table));
    this.table.addEventListener("toggle", () => this.fillTable());
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
    if (s.other) attrs["data-other"] = "true";
    // Every arrow opens its header (inspector.js); one in flight is lost instead,
    // and its header offers the same.
    attrs.tabindex = "0";
    attrs.role = "button";
    attrs["aria-label"] = clickable ? this.t.ui.lose(s.id, seg.flags.join(",")) : this.t.ui.inspect(s.id, seg.flags.join(","));
    const g = svg("g", attrs);
    g.append(svg("title", {}, attrs["aria-label"]));
    g.append(svg("line", { x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2 }));
    g.append(svg("path", { class: "head", d: "M0,0 L-9,-4.5 L-9,4.5 Z" }));
    // A wide invisible stroke: an arrow is easy to click, not a 2 px line.
    g.append(svg("line", { class: "hit", x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2 }));
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
    // Where a host the diagram does not draw sent it from.
    if (s.other && s.dir === "c2s") g.append(svg("circle", { class: "host", cx: s.x1, cy: s.y1, r: 3.5 }));
    const lose = clickable ? () => this.host.dropSegment(s.id, this) : null;
    const inspect = () => import("./inspector.js").then((m) => m.inspect(this, s, lose));
    const act = (ev) => {
      if (ev.type === "keydown" && ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      (lose ?? inspect)();
    };
    g.addEventListener("click", act);
    g.addEventListener("keydown", act);
    label.addEventListener("click", inspect);
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
    g.append(svg("title", {}, `${this.t.ui[m.side]}: ${m.text.replace("\n", ", ")}`));
    g.append(svg("circle", { cx: x, cy: m.y, r: 3.5 }));
    if (m.words) {
      const tx = client ? x - 9 : x + 9;
      m.text.split("\n").forEach((line, k) => g.append(svg("text", { x: tx, y: m.y + 4 + 13 * k, "text-anchor": client ? "end" : "start" }, line)));
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
      if (side === this.trace.packetdrill?.scripted) {
        // A packetdrill script's remote: segments from a script, no TCP states.
        b.textContent = "script";
        b.dataset.state = "";
        b.dataset.family = "closed";
        b.title = "";
        continue;
      }
      b.textContent = now[side];
      b.dataset.state = now[side];
      b.dataset.family = stateFamily(now[side]);
      b.title = this.t.states[now[side]] ?? "";
    }
    const t = this.t;
    const k = this.stepIndex();
    // A segment as its label shows it: "SYN,ACK #2 (seq=0 ack=1)".
    const fmt = (e) => this.segmentWords(e);
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
    this.fillTable();
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

  /** A segment as the narration names it: its flags, number and the numbers on its label. */
  segmentWords(e) {
    const seg = this.geo.segments.find((s) => s.id === e.id && !s.duplicate);
    const words = seg ? seg.lines.join(" ").split(" ").slice(2).join(" ") : "";
    return this.t.ui.segment(e.segment.flags.join(","), e.id, words);
  }

  /** An event as the table words it: { what, why, rfc } (narrate.js), or null. */
  describe(e) {
    return describe(e, (x) => this.segmentWords(x), this.t);
  }

  /** A segment's numbers as a reader sees them in `mode` (layout.js). */
  numbers(event, mode = this.options.numbers) {
    return numbering(mode)(event);
  }

  /** The whole trace as a table (table.js, a chunk): filled when the reader opens it. */
  fillTable() {
    if (!this.table.open || this.tableFor === this.geo) return;
    this.tableFor = this.geo;
    import("./table.js").then((m) => m.fillTable(this));
  }

  stepIndex() {
    let k = 0;
    while (k < this.ends.length && this.ends[k] <= this.shown) k++;
    return k;
  }
}
