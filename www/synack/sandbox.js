// <synack-viz mode="sandbox">: the reader drives. There is no script: the reader
// presses listen, accept, connect, send, close, abort or crash on either side at
// the moment the diagram shows, or clicks a segment in flight to lose it or, with
// "delays it" chosen, to hold it back on its way, and the engine plays on from
// there. Undo takes the last of these back. Each side's
// application reads what arrives unless the reader unticks it: then it reads
// only at read(), and close() with bytes unread resets the connection (RFC 2525
// §2.17, as Linux does). A listener
// has a backlog of 1, so its SYN and accept queues (2 places each) are drawn.
//
// What the reader did is the `actions` attribute (so a permalink replays it): each
// call with its side and virtual time, each loss with its segment's number, each
// delay with its segment's number and how long. The
// engine runs it as a scenario from the start every time (scenario objects, in the
// full engine, fetched here): the same calls give the same run, so everything
// before the reader's newest call stays as it was. No TCP here: the engine decides
// what each call does in the state it finds.

import { adopt, el } from "./dom.js";

/** The calls a reader can make, as docs/scenario-format.md names them. */
export const CALLS = ["listen", "accept", "connect", "send", "read", "close", "abort", "crash"];
/** The backlog each side's listen() is given. */
const BACKLOG = 1;
/** At most this many calls and losses. */
export const MAX_STEPS = 64;
/** A call's time is at most this (µs): the engine's longest run. */
const MAX_AT_US = 3_600_000_000;
/** How long a click may hold a segment back (µs): the engine's `delay` faults. */
export const DELAYS = [200_000, 1_000_000, 3_000_000];
const MAX_DELAY_US = 3_600_000_000;

const STRINGS = {
  en: {
    title: "Sandbox: you drive",
    help: "Press a call: it happens at the moment the diagram shows, and the engine plays on from there. Click a segment in flight to lose it, or to delay it. Undo takes your last move back.",
    click: "A click on a segment in flight",
    loses: "loses it",
    delays: "delays it by",
    seconds: (us) => `${us / 1e6} s`,
    empty: "Nothing has happened yet. Start with the server's listen() and the client's connect().",
    undo: "Undo",
    clear: "Start over",
    moves: (n) => `${n} of your moves`,
    reads: "reads what arrives",
    readsTitle: "Unticked, this side's application reads only when you press read(): close() with bytes unread sends a RST, not a FIN (for the whole run).",
    bad: (text) => `actions="${text}" is not a list of moves such as s.listen.0-c.connect.0-d.2 or w.3.1000000`,
    many: `more than ${MAX_STEPS} moves`,
    sides: { client: "Client", server: "Server" },
  },
  "zh-CN": {
    title: "沙盒：由你操作",
    help: "按下一个调用：它在图中显示的时刻发生，引擎从那里继续运行。点击传输中的报文段可以让它丢失，或让它延迟。“撤销”收回你的上一步。",
    click: "点击传输中的报文段",
    loses: "让它丢失",
    delays: "让它延迟",
    seconds: (us) => `${us / 1e6} 秒`,
    empty: "还什么都没有发生。先让服务器 listen()，再让客户端 connect()。",
    undo: "撤销",
    clear: "重新开始",
    moves: (n) => `你的 ${n} 步操作`,
    reads: "读取收到的数据",
    readsTitle: "取消勾选后，这一方的应用程序只在你按下 read() 时读取：有未读数据时 close() 发送 RST 而不是 FIN（对整个运行有效）。",
    bad: (text) => `actions="${text}" 不是形如 s.listen.0-c.connect.0-d.2 或 w.3.1000000 的操作列表`,
    many: `超过 ${MAX_STEPS} 步操作`,
    sides: { client: "客户端", server: "服务器" },
  },
};

/**
 * The moves in `text`: "s.listen.0" is the server's listen() at 0 µs, "c.send.650000"
 * the client's send() at 0.65 s, "d.3" the loss of segment #3, "w.3.1000000"
 * segment #3 held back 1 s more on its way, "s.noread" the server's application not
 * reading (the whole run); joined by "-".
 */
export function parse(text, s) {
  if (text === "") return [];
  const moves = text.split("-").map((m) => {
    const call = /^([cs])\.([a-z]+)\.(\d{1,10})$/.exec(m);
    if (call && CALLS.includes(call[2]) && Number(call[3]) <= MAX_AT_US) {
      return { side: call[1] === "c" ? "client" : "server", call: call[2], at: Number(call[3]) };
    }
    const drop = /^d\.([1-9]\d{0,5})$/.exec(m);
    if (drop) return { drop: Number(drop[1]) };
    const delay = /^w\.([1-9]\d{0,5})\.(\d{1,10})$/.exec(m);
    if (delay && Number(delay[2]) <= MAX_DELAY_US) return { delay: Number(delay[1]), us: Number(delay[2]) };
    const noread = /^([cs])\.noread$/.exec(m);
    if (noread) return { side: noread[1] === "c" ? "client" : "server", noread: true };
    throw new Error(s.bad(text));
  });
  if (moves.length > MAX_STEPS) throw new Error(`${s.bad(text)}: ${s.many}`);
  return moves;
}

export function format(moves) {
  return moves.map((m) => (m.drop ? `d.${m.drop}` : m.delay ? `w.${m.delay}.${m.us}` : m.noread ? `${m.side[0]}.noread` : `${m.side[0]}.${m.call}.${m.at}`)).join("-");
}

/** The run the moves make: a scenario object for the engine (docs/scenario-format.md). */
function scenarioOf(moves) {
  const side = (name) => ({ backlog: BACKLOG, ...(moves.some((m) => m.noread && m.side === name) ? { reads: false } : {}) });
  return {
    id: "sandbox",
    client: side("client"),
    server: side("server"),
    actions: moves.filter((m) => m.call).map((m) => ({
      side: m.side,
      do: m.call,
      when: { at_us: m.at },
      ...(m.call === "send" ? { text: "hello" } : {}),
    })),
    network: { faults: {
      drop: moves.filter((m) => m.drop).map((m) => m.drop),
      delay: moves.filter((m) => m.delay).map((m) => ({ segment: m.delay, extra_us: m.us })),
    } },
  };
}

/** Nothing has happened: both sides CLOSED, no event (the engine needs a call to run). */
function nothingYet() {
  const side = (port) => ({ port, isn: null, profile: "rfc" });
  return { scenario: "sandbox", handshake: "three-way", client: side(49152), server: side(80), events: [], outcome: { client: "CLOSED", server: "CLOSED", facts: [], end_us: 0 } };
}

/**
 * Runs the reader's moves (with engine.js's `loadEngine` and `runScenario`, passed
 * in so that this chunk shares no module with the element's own bundle) and
 * returns `{ trace, options, after }` for the element:
 * the heading and the bar of calls as the box under the title, and `after`, which
 * steps on once the element has drawn a new move, so that the reader sees it.
 */
export async function loadSandbox(host, t, display, signal, { loadEngine, runScenario }) {
  const s = STRINGS[t.lang] ?? STRINGS.en;
  const moves = parse(host.getAttribute("actions")?.trim() ?? "", s);
  await loadEngine({ objects: true });
  if (signal.aborted) return null;
  adopt(host.shadowRoot, CSS);
  const ran = moves.some((m) => m.call);
  const trace = ran ? runScenario({ scenario: scenarioOf(moves) }) : nothingYet();
  const save = (next) => {
    pending.add(host);
    host.setAttribute("actions", format(next));
  };
  // The moment shown: the reader's call happens there.
  const now = () => host.current?.t_us ?? 0;
  const bar = el("div", { class: "sandbox", role: "group", "aria-label": s.title });
  bar.append(el("p", { class: "help" }, moves.length ? s.help : `${s.help} ${s.empty}`));
  for (const side of ["client", "server"]) {
    const row = el("div", { class: "calls", "data-side": side });
    row.append(el("b", {}, s.sides[side]));
    const reads = el("input", { type: "checkbox", "data-reads": side });
    reads.checked = !moves.some((m) => m.noread && m.side === side);
    reads.addEventListener("change", () => save(reads.checked ? moves.filter((m) => !(m.noread && m.side === side)) : [...moves, { side, noread: true }]));
    const label = el("label", { class: "reads", title: s.readsTitle });
    label.append(reads, ` ${s.reads}`);
    for (const call of CALLS) {
      const b = el("button", { type: "button", "data-call": call, "data-side": side }, `${call}()`);
      b.addEventListener("click", () => save([...moves, { side, call, at: now() }]));
      row.append(b);
    }
    row.append(label);
    bar.append(row);
  }
  const edit = el("div", { class: "calls" });
  const undo = el("button", { type: "button", "data-action": "undo" }, s.undo);
  undo.disabled = moves.length === 0;
  undo.addEventListener("click", () => save(moves.slice(0, -1)));
  const clear = el("button", { type: "button", "data-action": "clear" }, s.clear);
  clear.disabled = moves.length === 0;
  clear.addEventListener("click", () => save([]));
  edit.append(undo, clear, el("span", { class: "count" }, s.moves(moves.length)));
  bar.append(edit);
  // What a click on a segment in flight does: lose it, or hold it back this long.
  // The choice is the reader's tool, not a move: it stays as they leave it.
  const clicks = el("div", { class: "calls clicks" });
  const how = el("select", { "data-action": "click", "aria-label": s.click });
  how.append(el("option", { value: "0" }, s.loses));
  for (const us of DELAYS) how.append(el("option", { value: String(us) }, `${s.delays} ${s.seconds(us)}`));
  how.value = String(clickDelay.get(host) ?? 0);
  how.addEventListener("change", () => clickDelay.set(host, Number(how.value)));
  clicks.append(el("span", { class: "count" }, `${s.click}:`), how);
  bar.append(clicks);
  return {
    trace,
    options: {
      ...display,
      sandbox: { drop: (id) => save([...moves, clickDelay.get(host) ? { delay: id, us: clickDelay.get(host) } : { drop: id }]) },
      // Before any call there is no ISN to name under the title.
      capture: { title: s.title, info: bar, ...(ran ? {} : { numbers: "" }) },
    },
    after: () => {
      if (pending.delete(host)) host.step();
    },
  };
}

// The elements whose reader just moved: each steps on once, after it drew the new run.
const pending = new WeakSet();
// Per element: how long a click holds a segment back (µs), or 0 (or none) to lose it.
const clickDelay = new WeakMap();

const CSS = `
.sandbox { padding: 0 .8em .5em; font-size: .88em; }
.sandbox .help { margin: .2em 0 .4em; color: var(--synack-muted); }
.sandbox .calls { display: flex; flex-wrap: wrap; align-items: center; gap: .3em .4em; margin: .25em 0; }
.sandbox .calls b { min-width: 4.5em; font-weight: 600; }
.sandbox button { font-family: var(--synack-mono); font-size: .95em; }
.sandbox button:disabled { opacity: .5; cursor: default; }
.sandbox select { font-size: .95em; }
.sandbox .count, .sandbox .reads { color: var(--synack-muted); }
.sandbox .reads { white-space: nowrap; }
@container (max-width: 500px) {
  .sandbox .calls { gap: .25em; }
  .sandbox button { padding: .2em .35em; min-height: 1.8em; font-size: .85em; }
}
`;
