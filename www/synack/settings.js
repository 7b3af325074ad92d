// What the reader can change about a diagram (shown with `controls`): speed,
// handshake, numbers, ISNs and scenario; a comparison's assumption line; and the
// folded key. Each control sets one of the element's attributes, and the element
// draws again from its attributes: one way in, whoever changes them.

import { catalogue } from "./engine.js";
import { withAll } from "./i18n.js";
import { el } from "./dom.js";
import { MAX_U32, MODES } from "./options.js";
import { stateFamily } from "./layout.js";

function select(label, choices, value, onChange) {
  const l = el("label", {}, label);
  const s = el("select", { "aria-label": label });
  for (const [v, text] of choices) {
    const o = el("option", { value: v }, text);
    if (v === value) o.selected = true;
    s.append(o);
  }
  s.addEventListener("change", () => onChange(s.value));
  l.append(s);
  return l;
}

/** The settings bar for options `o` over the drawn `trace` (the first panel's). */
export function settingsBar(host, t, o, trace) {
  const bar = el("div", { class: "controls", role: "toolbar", "aria-label": t.ui.settings });
  bar.hidden = !host.hasAttribute("controls");
  const set = (attr) => (v) => host.setAttribute(attr, v);
  bar.append(select(t.ui.speed, [["0.5", "½×"], ["1", "1×"], ["2", "2×"], ["4", "4×"]], String(o.speed), set("speed")));
  const numbers = select(t.ui.numbers, [["relative", t.ui.relative], ["symbolic", t.ui.symbolic], ["absolute", t.ui.absolute]], o.numbers, set("numbers"));
  // A recording has no handshake to choose, no ISNs to set and no scenario.
  if (o.capture) {
    bar.append(numbers);
    return bar;
  }
  // Nothing to choose where no handshake can happen (connection-refused: the
  // server never leaves CLOSED).
  const opens = trace.events.some((e) => e.kind === "state" && e.side === "server");
  if (!o.compare && opens) bar.append(select(t.ui.handshake, MODES.map((m) => [m, t.modes[m]]), trace.handshake, set("handshake")));
  bar.append(numbers);
  // ISNs: typed in, or new random ones (from a new seed; the engine itself never
  // draws random numbers).
  for (const [side, attr] of [["client", "isn-client"], ["server", "isn-server"]]) {
    const word = t.ui[`${side}Word`];
    const l = el("label", {}, t.ui.isn(word));
    const input = el("input", { type: "number", min: "0", max: String(MAX_U32), step: "1", value: String(trace[side].isn), class: "isn", "aria-label": t.ui.isnLabel(word) });
    input.addEventListener("change", () => host.setAttribute(attr, input.value.trim()));
    l.append(input);
    bar.append(l);
  }
  const fresh = el("button", { type: "button", "data-action": "new-isns", title: t.ui.newIsnsTitle }, t.ui.newIsns);
  fresh.addEventListener("click", () => {
    host.removeAttribute("isn-client");
    host.removeAttribute("isn-server");
    host.setAttribute("seed", String(Math.floor(Math.random() * 2 ** 32)));
  });
  bar.append(fresh);
  const ids = catalogue().map((e) => [e.id, t.scenarios[e.id]?.[0] ?? e.id]);
  const menu = select(t.ui.scenario, ids, o.scenario, set("scenario"));
  // The full engine's scenarios are titled in more-*.js: fetched once the menu is used.
  menu.addEventListener("focusin", () => withAll(t).then((m) => {
    for (const op of menu.querySelectorAll("option")) op.textContent = m.scenarios[op.value][0];
  }), { once: true });
  bar.append(menu);
  return bar;
}

/** The key (legend.js, a chunk), folded away and fetched when first opened. */
export function legendBox(root, t, traces, capture, onError) {
  const box = el("details", { class: "legend" });
  box.append(el("summary", {}, t.ui.key));
  box.addEventListener("toggle", () => {
    if (!box.open || box.childElementCount > 1) return;
    import("./legend.js").then((m) => m.legend(t, traces, capture, root, stateFamily)).then((parts) => {
      if (box.childElementCount === 1) box.append(...parts);
    }, (err) => onError(err?.message ?? String(err)));
  });
  return box;
}
