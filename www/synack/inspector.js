// The segment inspector: a segment's TCP header as textbooks draw it (RFC 9293
// §3.1, Figure 1), in 32-bit rows, each field with its value here, and one line
// per field on what it says in this segment. A chunk of its own, fetched when a
// reader first clicks an arrow or its label.
//
// Everything shown is in the trace: the engine (or the capture reader) puts the
// header's length and its options' layout there (`segment.header`); this module
// only draws them.

import { adopt, el } from "./dom.js";

const FLAG_BITS = ["CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN"];

/** Opens the inspector over `panel` for the drawn segment `s` (layout.js); `lose()` if it can still be lost. */
export async function inspect(panel, s, lose) {
  const t = panel.t;
  const { inspector: k } = await (t.lang === "zh-CN" ? import("./i18n/inspector-zh-CN.js") : import("./i18n/inspector-en.js"));
  const root = panel.host.shadowRoot;
  adopt(root, CSS);
  root.querySelector("dialog.inspector")?.remove();
  // The segment's send event: its numbers as the reader sees them (a copy shows its original's).
  const send = panel.trace.events.find((e) => e.kind === "send" && e.segment === s.segment) ?? { segment: s.segment, dir: s.dir };
  const seg = s.segment;
  const from = s.dir === "c2s" ? "client" : "server";
  const to = from === "client" ? "server" : "client";
  const box = el("dialog", { class: "inspector", lang: t.lang, "aria-labelledby": "inspector-title" });
  const head = el("div", { class: "head" });
  head.append(el("h2", { id: "inspector-title" }, k.title(s.id, seg.flags.join(","), t.ui[from], t.ui[to])));
  const close = el("button", { type: "button", class: "close", "aria-label": k.close, title: k.close }, "×");
  close.addEventListener("click", () => box.close());
  head.append(close);
  box.append(head, figure(panel, seg, send, k), meanings(seg, send, panel, k, from, to));
  if (send.cookie) box.append(cookie(send.cookie, k.cookie));
  if (lose) {
    const b = el("button", { type: "button", class: "lose", "data-action": "lose" }, k.lose);
    b.addEventListener("click", () => {
      box.close();
      lose();
    });
    box.append(b);
  }
  // A click on the backdrop (outside the box) closes it, as Escape does.
  box.addEventListener("click", (ev) => {
    if (ev.target === box) {
      const r = box.getBoundingClientRect();
      if (ev.clientX < r.left || ev.clientX > r.right || ev.clientY < r.top || ev.clientY > r.bottom) box.close();
    }
  });
  box.addEventListener("close", () => box.remove());
  root.append(box);
  box.showModal();
  return box;
}

/** The header in 32-bit rows: one grid column per bit. */
function figure(panel, seg, send, k) {
  const mode = panel.options.numbers;
  const f = k.fields;
  const grid = el("div", { class: "header", role: "img" });
  const shown = panel.numbers(send, mode === "absolute" ? "relative" : mode);
  const both = (raw, rel) => (rel === null || rel === String(raw) ? String(raw) : `${raw} (${rel})`);
  const cells = [];
  const cell = (bits, name, value, cls = "") => cells.push([bits, name, value, cls]);
  for (const n of [0, 8, 16, 24]) cell(8, "", String(n), "ruler");
  cell(16, f.src, seg.src_port ?? "—");
  cell(16, f.dst, seg.dst_port ?? "—");
  cell(32, f.seq, both(seg.seq, shown.seq));
  cell(32, f.ack, seg.ack === null ? "0" : both(seg.ack, shown.ack));
  const hlen = seg.header?.len;
  cell(4, f.off, hlen === undefined ? "—" : String(hlen / 4));
  cell(4, f.rsv, "0");
  for (const bit of FLAG_BITS) cell(1, bit, seg.flags.includes(bit) ? "1" : "0", seg.flags.includes(bit) ? "bit on" : "bit");
  cell(16, f.win, String(seg.window));
  cell(16, f.sum, seg.checksum === undefined ? "—" : hex(seg.checksum));
  cell(16, f.urg, String(seg.urgent ?? 0));
  // Options, split where they cross a 32-bit row.
  let at = 0;
  for (const [kind, len] of seg.header?.options ?? []) {
    const [name] = optionText(kind, k);
    let left = len;
    let first = true;
    while (left > 0) {
      const bytes = Math.min(left, 4 - (at % 4));
      cell(bytes * 8, first ? name : "", first ? optionValue(kind, seg) : "…", "opt");
      first = false;
      left -= bytes;
      at += bytes;
    }
  }
  if (hlen !== undefined && at < hlen - 20) cell((hlen - 20 - at) * 8, "", "0", "opt"); // padding
  if (seg.len > 0) cell(32, f.data, k.why.data(seg.len), "data");
  for (const [bits, name, value, cls] of cells) {
    const c = el("div", { class: `cell ${cls}`, style: `grid-column: span ${bits}` });
    if (name) c.append(el("span", { class: "name" }, name));
    c.append(el("span", { class: "value" }, String(value)));
    grid.append(c);
  }
  grid.setAttribute("aria-label", cells.filter((c) => c[1]).map((c) => `${c[1]} ${c[2]}`).join(", "));
  return grid;
}

/** One line per field: its value and what it says in this segment. */
function meanings(seg, send, panel, k, from, to) {
  const t = panel.t;
  const f = k.fields;
  const w = k.why;
  const shown = panel.numbers(send);
  const has = (flag) => seg.flags.includes(flag);
  const list = el("dl", { class: "meanings" });
  const line = (name, value, why) => {
    list.append(el("dt", {}, name), el("dd", {}, value === null ? why : `${value}: ${why}`));
  };
  line(f.src, seg.src_port ?? null, w.src(t.ui[`${from}Word`]));
  line(f.dst, seg.dst_port ?? null, w.dst(t.ui[`${to}Word`]));
  line(f.seq, shown.seq, has("SYN") ? w.seqSyn : seg.len > 0 ? w.seqData(seg.len) : has("FIN") ? w.seqFin : w.seqBare);
  line(f.ack, shown.ack, has("ACK") ? w.ack : w.noAck);
  const hlen = seg.header?.len;
  line(f.off, hlen === undefined ? null : hlen / 4, hlen === undefined ? w.unknownOff : w.off(hlen / 4, hlen));
  const set = FLAG_BITS.filter(has);
  line(f.flags, null, set.length ? `${w.set}: ${set.map((b) => `${b} (${k.flags[b]})`).join("; ")}.` : w.none);
  line(f.win, seg.window, has("SYN") ? w.winSyn : w.win);
  line(f.sum, seg.checksum === undefined ? null : hex(seg.checksum), seg.checksum === undefined ? w.sumSim : w.sum);
  if (!has("URG")) line(f.urg, null, w.urg);
  for (const [kind] of seg.header?.options ?? []) {
    if (kind === 1) continue; // NOPs: said once, below
    const [name, why] = optionText(kind, k);
    line(`${f.opts}: ${name}`, null, why(optionValue(kind, seg)));
  }
  if (seg.header?.options.some(([kind]) => kind === 1)) line(`${f.opts}: NOP`, null, optionText(1, k)[1]());
  line(f.data, null, seg.len > 0 ? (seg.text ? w.text(JSON.stringify(seg.text)) : w.data(seg.len)) : w.noData);
  return list;
}

/**
 * A SYN cookie's parts (the trace's `cookie`, RFC 4987 §3.6): how its ISN adds
 * up, laid out as Linux's secure_tcp_syn_cookie adds them, and what each part is.
 */
function cookie(c, k) {
  const box = el("section", { class: "cookie" });
  box.append(el("h3", {}, k.title));
  const low = (c.hash2 + c.mss_index) % 2 ** 24;
  box.append(el("p", { class: "sum" }, `${c.isn} = ${c.hash1} + ${c.peer_isn} + ${c.count}·2^24 + ${low} (mod 2^32)`));
  const list = el("dl", { class: "meanings" });
  const line = (name, value, why) => list.append(el("dt", {}, name), el("dd", {}, `${value}: ${why}`));
  line(k.hash1, c.hash1, k.hash1Why);
  line(k.peerIsn, c.peer_isn, k.peerIsnWhy);
  line(k.count, c.count, k.countWhy);
  line(k.low, `${c.hash2} + ${c.mss_index}`, k.lowWhy(c.mss_index, c.mss));
  if (c.ts_options !== undefined) line(k.ts, c.ts_options, k.tsWhy(c.ts_options & 15, (c.ts_options >> 4) & 1));
  box.append(list, el("p", {}, k.check));
  return box;
}

function optionText(kind, k) {
  return k.options[kind] ?? k.options.other(kind);
}

function optionValue(kind, seg) {
  const o = seg.options ?? {};
  if (kind === 2) return o.mss ?? "";
  if (kind === 3) return o.window_scale ?? "";
  if (kind === 8 && o.timestamps) return `${o.timestamps[0]}/${o.timestamps[1]}`;
  // TCP Fast Open (RFC 7413 §4.1.1; 254 is its experimental form): the cookie in
  // hex, "" for a request.
  if (kind === 34 || kind === 254) return o.fast_open ?? "";
  return "";
}

const hex = (n) => `0x${n.toString(16).padStart(4, "0")}`;

const CSS = `
dialog.inspector { max-width: min(40rem, calc(100vw - 1.5rem)); width: 100%; box-sizing: border-box; padding: .8em 1em 1em; color: var(--synack-fg); background: var(--synack-bg); border: 1px solid var(--synack-line); border-radius: 10px; font: inherit; font-size: .9em; }
dialog.inspector::backdrop { background: rgb(0 0 0 / .35); }
.inspector .head { display: flex; align-items: start; gap: .5em; }
.inspector h2 { margin: 0 0 .6em; flex: 1; font-size: 1em; font-family: var(--synack-mono); }
.inspector .close { font-size: 1.3em; line-height: 1; padding: 0 .4em; }
.inspector .header { display: grid; grid-template-columns: repeat(32, minmax(0, 1fr)); border-left: 1px solid var(--synack-line); border-top: 1px solid var(--synack-line); font-family: var(--synack-mono); font-size: .8em; }
.inspector .cell { display: flex; flex-direction: column; align-items: center; justify-content: center; min-height: 2.6em; padding: .15em 0; border-right: 1px solid var(--synack-line); border-bottom: 1px solid var(--synack-line); overflow: hidden; text-align: center; overflow-wrap: anywhere; }
.inspector .cell .name { font-family: var(--synack-sans, inherit); font-size: .85em; color: var(--synack-muted); }
.inspector .cell.ruler { min-height: 0; border: 0; border-bottom: 1px solid var(--synack-line); align-items: start; color: var(--synack-muted); font-size: .85em; }
.inspector .cell.bit .name { font-size: .7em; }
.inspector .cell.bit.on { background: var(--synack-client); color: var(--synack-bg); }
.inspector .cell.bit.on .name { color: var(--synack-bg); }
.inspector .cell.opt { background: color-mix(in srgb, var(--synack-line) 35%, transparent); }
.inspector .cell.opt .name { color: var(--synack-fg); }
.inspector dl { margin: .8em 0 0; display: grid; grid-template-columns: max-content 1fr; gap: .25em .8em; }
.inspector dt { font-weight: 600; }
.inspector dd { margin: 0; }
.inspector .lose { margin-top: .8em; }
.inspector .cookie h3 { margin: 1em 0 .3em; font-size: 1em; }
.inspector .cookie .sum { font-family: var(--synack-mono); overflow-wrap: anywhere; margin: 0; }
@media (max-width: 480px) { .inspector dl { grid-template-columns: 1fr; } .inspector dd { margin-bottom: .3em; } .inspector .cell.bit .name { font-size: .6em; } }
`;
