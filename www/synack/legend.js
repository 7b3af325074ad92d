// The key under a diagram: what each kind of arrow means, and every state the
// diagrams pass through with its meaning and the name Linux's `ss` prints for it
// (the badges' hover titles say the same, but phones never hover). A chunk of its
// own, fetched when a reader first opens the key (it is handed layout.js's
// stateFamily, so that it shares no module with the element's bundle).

import { adopt, el, svg } from "./dom.js";

/** Each state as Linux's `ss` prints it (iproute2's names; checked with `ss -tan` here). */
const SS_NAMES = {
  "CLOSED": "UNCONN", "LISTEN": "LISTEN", "SYN-SENT": "SYN-SENT", "SYN-RECEIVED": "SYN-RECV",
  "ESTABLISHED": "ESTAB", "FIN-WAIT-1": "FIN-WAIT-1", "FIN-WAIT-2": "FIN-WAIT-2", "CLOSE-WAIT": "CLOSE-WAIT",
  "CLOSING": "CLOSING", "LAST-ACK": "LAST-ACK", "TIME-WAIT": "TIME-WAIT",
};

/** The key's contents for `traces`, in the language of `t` (the element's table). */
export async function legend(t, traces, capture, root, stateFamily) {
  adopt(root, CSS);
  const { legend: k } = await (t.lang === "zh-CN" ? import("./i18n/legend-zh-CN.js") : import("./i18n/legend-en.js"));
  const arrows = el("ul", { class: "arrows" });
  const kinds = [
    [{}, k.segment],
    [{ "data-retransmission": "true" }, k.retransmission],
    [{ "data-stale": "true" }, k.stale],
    [{ class: "sample rst" }, k.rst],
    [{ "data-lost": "true" }, k.lost],
  ];
  for (const [attrs, text] of kinds) {
    const sample = svg("svg", { width: 44, height: 10, "aria-hidden": "true" });
    // Not a g.segment: a sample, which nothing counts as a segment sent.
    const g = svg("g", { class: "sample", "data-dir": "c2s", ...attrs });
    g.append(svg("line", { x1: 2, y1: 5, x2: 40, y2: 5 }));
    sample.append(g);
    const li = el("li");
    li.append(sample, document.createTextNode(text));
    arrows.append(li);
  }
  if (!capture) arrows.append(el("li", { class: "tip" }, k.click));
  arrows.append(el("li", { class: "tip" }, k.inspect));
  const seen = new Set(traces.flatMap((tr) => tr.events.filter((e) => e.kind === "state").map((e) => e.to)));
  const states = el("dl", { class: "states" });
  for (const s of Object.keys(SS_NAMES)) {
    if (!seen.has(s)) continue;
    const dt = el("dt");
    dt.append(el("span", { class: "badge", "data-family": stateFamily(s) }, s), document.createTextNode(` ${k.ssName(SS_NAMES[s])}`));
    states.append(dt, el("dd", {}, t.states[s]));
  }
  return [arrows, states];
}

const CSS = `
.legend { border-top: 1px solid var(--synack-line); font-size: .85em; }
.legend ul { list-style: none; margin: 0; padding: 0 1em .4em; }
.legend li { display: flex; align-items: center; gap: .6em; margin: .2em 0; }
.legend li svg { flex: none; width: 44px; height: 10px; overflow: visible; }
.legend .sample line { stroke: var(--c); stroke-width: 1.8; }
.legend .sample[data-retransmission="true"] line, .legend .sample[data-stale="true"] line, .legend .sample[data-lost="true"] line { stroke-dasharray: 5 4; }
.legend .sample[data-lost="true"] line { stroke: var(--synack-lost); }
.legend .tip { font-style: italic; color: var(--synack-muted); }
.legend dl { margin: 0; padding: .2em 1em .8em; }
.legend dt { white-space: nowrap; color: var(--synack-muted); margin-top: .45em; }
.legend dd { margin: .15em 0 0 .3em; }
`;
