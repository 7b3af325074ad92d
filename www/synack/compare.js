// A comparison's segment numbers: the same number for the same segment in both
// diagrams. Each run numbers its segments in the order it sends them, so once the
// runs part ways "#4" would name a different segment on each side. Here a segment
// sent at the same instant, the same way, with the same flags and numbers in both
// runs gets one number, and every other segment a number of its own, in time
// order. Only the labels change: the engine still knows its segments by its own
// numbers (`toEngine` maps back, for losing a segment).
//
// This module is a chunk of its own, with the line above a comparison and its
// styles: a page without a comparison never fetches it.

import { adopt, el } from "./dom.js";

/** The traces with shared numbers, and per trace the maps between the two. */
export function unify(traces) {
  const key = (e) => {
    const s = e.segment;
    return [e.t_us, e.dir, s.flags.join(","), s.seq, s.ack, s.len, e.stale ? 1 : 0].join(" ");
  };
  // Where each segment comes into being: sent, or copied by the network.
  const origins = traces.map((tr) =>
    tr.events.flatMap((e) =>
      e.kind === "send" ? [{ t: e.t_us, id: e.id, key: key(e) }]
      : e.kind === "duplicate" ? [{ t: e.t_us, id: e.copy, key: `${e.t_us} copy ${e.id}` }]
      : []));
  const maps = traces.map(() => new Map()); // engine id → shown number
  const times = [...new Set(origins.flat().map((o) => o.t))].sort((a, b) => a - b);
  let next = 1;
  for (const t of times) {
    const here = origins.map((list) => list.filter((o) => o.t === t));
    here.forEach((list, i) => {
      for (const o of list) {
        if (maps[i].has(o.id)) continue;
        const n = next++;
        maps[i].set(o.id, n);
        // The same segment in the other runs, not yet numbered, takes the same number.
        here.forEach((other, j) => {
          if (j === i) return;
          // A copy is the same if its original is.
          const same = other.find((x) => !maps[j].has(x.id) && (x.key === o.key || sameCopy(x, o, maps[j], maps[i])));
          if (same) maps[j].set(same.id, n);
        });
      }
    });
  }
  const renumbered = traces.map((tr, i) => ({
    ...tr,
    events: tr.events.map((e) => {
      if (e.id === undefined) return e;
      const out = { ...e, id: maps[i].get(e.id) ?? e.id };
      if (e.copy !== undefined) out.copy = maps[i].get(e.copy) ?? e.copy;
      return out;
    }),
  }));
  const toEngine = maps.map((m) => new Map([...m].map(([engine, shown]) => [shown, engine])));
  return { traces: renumbered, toEngine, toShown: maps };
}

function sameCopy(x, o, mx, mo) {
  const [tx, , idx] = x.key.split(" ");
  const [to, , ido] = o.key.split(" ");
  return x.key.includes(" copy ") && o.key.includes(" copy ") && tx === to && mx.get(Number(idx)) === mo.get(Number(ido)) && mx.has(Number(idx));
}

/**
 * The line above a comparison: what differs between two variants, or, between
 * two handshakes, the one assumption, with the switch that changes it.
 */
export function assumption(host, t, options) {
  adopt(host.shadowRoot, CSS);
  if (t.ui.differs[options.compare]) return el("p", { class: "assume" }, t.ui.differs[options.compare]);
  const rule = options.unexpectedAnswer;
  const choice = el("select", { "data-control": "unexpected-answer" });
  for (const v of ["ignore", "reset"]) {
    const o = el("option", { value: v }, t.ui.rule[v]);
    if (v === rule) o.selected = true;
    choice.append(o);
  }
  choice.addEventListener("change", () => host.setAttribute("unexpected-answer", choice.value));
  const label = el("label", {}, `${t.ui.ruleLabel} `);
  label.append(choice);
  const line = el("p", { class: "assume" }, `${t.ui.assume[rule]} `);
  line.append(label);
  return line;
}

/**
 * On a narrow screen a comparison shows one diagram at a time (the CSS below):
 * tabs above them name the two, and mark the hidden one when a step changes it.
 * `wrap` is the panels' container; `update()` follows each step.
 */
export function tabs(t, headings, wrap) {
  const list = el("div", { class: "tabs", role: "tablist", "aria-label": t.ui.diagrams });
  const buttons = headings.map((heading, i) => {
    const b = el("button", { type: "button", role: "tab", "data-tab": String(i) }, heading);
    b.addEventListener("click", () => select(i));
    return b;
  });
  const select = (i) => {
    wrap.dataset.tab = String(i);
    buttons.forEach((b, j) => {
      b.setAttribute("aria-selected", String(i === j));
      if (i === j) b.classList.remove("news");
    });
  };
  select(0);
  list.append(...buttons);
  return {
    root: list,
    /** After a step: a hidden diagram that moved gets a mark on its tab. */
    update(panels) {
      panels.forEach((p, i) => {
        if (String(i) !== wrap.dataset.tab && !p.narration.classList.contains("idle")) buttons[i].classList.add("news");
      });
    },
  };
}

const CSS = `
.assume { margin: 0; padding: .2em 1em .5em; font-size: .9em; color: var(--synack-muted); }
.assume label { white-space: nowrap; }
.panels.two { grid-template-columns: 1fr 1fr; }
@container (max-width: 700px) { .panels.two { grid-template-columns: 1fr; } }
.panels.two .panel + .panel { border-left: 1px solid var(--synack-line); }
@container (max-width: 700px) { .panels.two .panel + .panel { border-left: 0; border-top: 1px solid var(--synack-line); } }
.narration.idle { color: var(--synack-muted); }
.tabs { display: none; }
@container (max-width: 700px) {
  .tabs { display: flex; gap: .4em; padding: .2em .8em .4em; }
  .tabs button { flex: 1 1 0; justify-content: center; }
  .tabs button[aria-selected="true"] { font-weight: 600; border-color: var(--synack-client); box-shadow: inset 0 -2px 0 var(--synack-client); }
  .tabs button.news::after { content: "●"; color: var(--synack-rst); font-size: .7em; }
  .panels.two[data-tab="0"] > .panel:nth-child(2), .panels.two[data-tab="1"] > .panel:nth-child(1) { display: none; }
  .panels.two .panel + .panel { border-top: 0; }
  .panels.two .panel h3 { display: none; } /* the tab names it */
}
.narration.idle::before { content: attr(data-idle) " "; font-style: italic; }
`;
