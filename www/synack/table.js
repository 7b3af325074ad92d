// The diagram's text alternative: every event of the trace as a row of a table,
// with its reason and RFC section. A chunk of its own, filled when a reader
// opens the table under a diagram.

import { adopt, el } from "./dom.js";

/** Fills `panel`'s folded table with its whole trace, in its language. */
export function fillTable(panel) {
  const t = panel.t;
  adopt(panel.host.shadowRoot, CSS);
  const table = el("table");
  table.append(el("caption", {}, t.ui.tableCaption(panel.title)));
  const head = el("tr");
  for (const h of [t.ui.colTime, t.ui.colEvent]) head.append(el("th", { scope: "col" }, h));
  table.append(el("thead"));
  table.tHead.append(head);
  const body = el("tbody");
  // The sentence names the side; the reason, with its RFC section, follows it.
  for (const e of panel.trace.events) {
    const row = panel.describe(e);
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
  panel.table.replaceChildren(el("summary", {}, t.ui.table), scroll);
}

const CSS = `
details.table .scroll { max-height: 20em; overflow: auto; padding: 0 .6em .7em; }
details.table table { border-collapse: collapse; width: 100%; table-layout: fixed; overflow-wrap: break-word; }
details.table th:first-child { width: 5.6em; }
details.table .why { display: block; color: var(--synack-muted); margin-top: .15em; }
details.table caption { text-align: left; padding: .2em .4em; color: var(--synack-muted); }
details.table th, details.table td { text-align: left; vertical-align: top; padding: .25em .4em; border-bottom: 1px solid var(--synack-line); }
details.table td:first-child { font-variant-numeric: tabular-nums; }
`;
