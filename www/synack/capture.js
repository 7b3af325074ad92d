// <synack-viz capture="…">: a recorded connection instead of a simulated one.
// This module is a chunk of its own (element.js reaches it by dynamic import()),
// so a page without a capture never downloads it. It starts the capture reader's
// worker (capture/worker.js, built by scripts/build-site.sh), shows its progress,
// and turns one connection of the capture JSON (docs/capture-format.md) into a
// trace of the shape layout.js and narrate.js draw (docs/trace-format.md).

import { adopt } from "./dom.js";

/** Segments drawn at most: a connection of 100,000 segments draws its first 300. */
export const WINDOW = 300;
/** Files larger than this are refused unless capture-limit says otherwise (MiB). */
export const DEFAULT_LIMIT_MIB = 1024;

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Fetched responses kept referenced a while after their body was read: Chromium
 * reports a fetch as aborted (net::ERR_ABORTED) when its Response is collected
 * before the network layer has marked the request complete, even though every
 * byte arrived.
 */
const recent = new Set();
function keep(res) {
  recent.add(res);
  setTimeout(() => recent.delete(res), 5000);
}

/** Chunks of a fetched body handed to the worker and not yet read by it. */
const IN_FLIGHT = 4;

/**
 * Reads a capture in the worker. `source` is { url, name } or { blob, name }.
 * Progress goes to `onProgress(done, total)`. Resolves to the worker's view;
 * rejects with an Error whose message is in the reader's language (`t`).
 * `signal` aborts: the fetch and the worker end at once, whatever they were doing.
 * A URL is fetched here, on the page (the worker makes no request of its own),
 * and its body streamed to the worker as transferred chunks, a few at a time.
 */
export function readCapture(source, { connection, maxBytes, t, onProgress, signal }) {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = new Worker(new URL("./capture/worker.js", import.meta.url), { type: "module", name: "synack-capture" });
    } catch (err) {
      reject(new Error(t.capture.errors.worker(err?.message ?? String(err))));
      return;
    }
    let finished = false;
    let body = null; // the fetched body's reader, while streaming
    let acked = 0;
    let wake = null; // resolves when the worker has read a chunk
    const stop = (why) => {
      finished = true;
      worker.terminate();
      body?.cancel().catch(() => {});
      wake?.();
      if (why) reject(why);
    };
    const onAbort = () => stop(new DOMException("superseded", "AbortError"));
    signal?.addEventListener("abort", onAbort);
    worker.onmessage = ({ data }) => {
      if (data.type === "progress") return onProgress?.(data.done, data.total);
      if (data.type === "ack") {
        acked++;
        wake?.();
        return;
      }
      if (data.type === "done") {
        finished = true;
        worker.terminate();
        signal?.removeEventListener("abort", onAbort);
        resolve(data.view);
        return;
      }
      stop(new Error(errorText(data, source, t)));
    };
    // A worker that cannot start (the one-file build has no capture/ folder beside
    // it, or a policy forbids workers) fires "error" without a message of ours.
    worker.onerror = (ev) => {
      ev.preventDefault?.();
      stop(new Error(t.capture.errors.worker(ev.message || "capture/worker.js")));
    };
    const options = { connection, maxBytes, window: WINDOW };
    if (source.blob) {
      worker.postMessage({ blob: source.blob, ...options });
      return;
    }
    (async () => {
      let res;
      try {
        res = await fetch(source.url);
      } catch (err) {
        if (!finished) stop(new Error(errorText({ key: "fetch", message: err?.message ?? String(err) }, source, t)));
        return;
      }
      keep(res);
      if (finished) {
        res.body?.cancel().catch(() => {});
        return;
      }
      if (!res.ok) {
        res.body?.cancel().catch(() => {});
        return stop(new Error(errorText({ key: "http", number: res.status }, source, t)));
      }
      // Without a content encoding, Content-Length is the file's size.
      const length = Number(res.headers.get("content-length"));
      const total = !res.headers.get("content-encoding") && length > 0 ? length : null;
      if (total && maxBytes && total > maxBytes) {
        res.body?.cancel().catch(() => {});
        return stop(new Error(errorText({ key: "too-large", number: maxBytes }, source, t)));
      }
      worker.postMessage({ begin: total, ...options });
      body = res.body.getReader();
      let sent = 0;
      for (;;) {
        while (!finished && sent - acked >= IN_FLIGHT) await new Promise((ok) => (wake = ok));
        if (finished) return;
        let part;
        try {
          part = await body.read();
        } catch {
          break; // cancelled: the import was stopped
        }
        if (part.done) {
          body = null; // read to the end: nothing to cancel
          break;
        }
        if (finished) break;
        const chunk = part.value;
        worker.postMessage({ chunk, total }, [chunk.buffer]);
        sent++;
      }
      if (!finished) worker.postMessage({ end: true });
    })().catch((err) => stop(new Error(errorText({ key: "other", message: err?.message ?? String(err) }, source, t))));
  });
}

/** The worker's error, in the reader's language; the reader's English line follows where it adds detail. */
function errorText({ key, number, message }, source, t) {
  const e = t.capture.errors;
  const name = source.name ?? "";
  switch (key) {
    case "empty": return e.empty(name);
    case "not-capture": return e.notCapture(name);
    case "truncated": return e.truncated(name, number);
    case "bad-length": case "malformed": case "version": return e.malformed(name, message);
    case "too-large": return e.tooLarge(name, Math.round(number / 2 ** 20));
    case "no-tcp": return e.noTcp(name, number);
    case "no-connection": return e.noConnection(number);
    case "http": return e.http(name, number);
    case "fetch": return e.fetch(name, message);
    case "crashed":
      console.error(`synack's capture reader trapped: ${message}`);
      return e.crashed(name);
    default: return e.other(message);
  }
}

/** A progress bar with its sentence; `update(done, total)` moves it. */
export function progressBox(t, name) {
  const box = el("div", { class: "capture-progress", role: "status" });
  const label = el("span", {}, t.capture.reading(name, 0, null));
  const bar = el("progress", { max: "1", "aria-label": t.capture.progressLabel });
  box.append(label, bar);
  const mb = (n) => (n / 2 ** 20).toFixed(1);
  return {
    box,
    update(done, total) {
      label.textContent = t.capture.reading(name, mb(done), total ? mb(total) : null);
      if (total) {
        bar.max = total;
        bar.value = Math.min(done, total);
      } else {
        bar.removeAttribute("value"); // indeterminate: the size is unknown
      }
    },
  };
}

const US = 1e6;

/**
 * Half the handshake's round trip, in µs: the time from the client's answered SYN to the
 * ACK that completed the handshake is one round trip wherever the capture was
 * taken (at the client it is SYN → SYN,ACK plus the ACK's turn-around; at the
 * server, SYN,ACK → ACK plus the SYN's). Null without a complete handshake.
 */
export function oneWayUs(segments) {
  const isSyn = (s) => s.dir === "C>S" && s.flags.includes("SYN") && !s.flags.includes("ACK");
  const synAck = segments.findIndex((s) => s.dir === "S>C" && s.flags.includes("SYN") && s.flags.includes("ACK"));
  if (synAck < 0) return null;
  // The SYN that was answered: the last one before the SYN,ACK (earlier ones were
  // lost or timed out, and their wait is not a round trip).
  const syn = segments.findLastIndex((s, i) => i < synAck && isSyn(s) && !s.lost);
  if (syn < 0) return null;
  const ack = segments.findIndex((s, i) => i > synAck && s.dir === "C>S" && s.flags.includes("ACK") && !s.flags.includes("SYN"));
  if (ack < 0) return null;
  const rtt = (segments[ack].t - segments[syn].t) * US;
  return rtt > 0 ? rtt / 2 : null;
}

/** Sequence space a segment occupies (RFC 9293 §3.4: SYN and FIN count one each). */
function seqLen(s) {
  return s.len + (s.flags.includes("SYN") ? 1 : 0) + (s.flags.includes("FIN") ? 1 : 0);
}

const sideOf = (dir) => (dir === "C>S" ? "client" : "server");
const other = (side) => (side === "client" ? "server" : "client");

/**
 * One connection as a trace (docs/trace-format.md's events): a `send` where the
 * capture saw each segment, its `deliver` (or `drop`, for a segment the reader
 * judged lost) one measured one-way time later, and each state change beside
 * the segment that caused it: the sender's before its send, the receiver's
 * after its delivery. Deliveries are inferred, so they are kept consistent with
 * what the receiver sent next: before it when that segment acknowledges the
 * delivered one (it had arrived), after it when it does not (they crossed), as
 * the reader's observers decide (docs/capture-format.md, "Segments that crossed").
 */
export function toTrace(c) {
  const segs = c.segments;
  const measured = oneWayUs(segs);
  // Without a handshake there is nothing to measure: draw a nominal slant (1 ms)
  // and say so.
  const ow = Math.max(1, Math.round(measured ?? 1000));
  const at = segs.map((s) => Math.round(s.t * US));
  // The next segment from the other side, for each segment.
  const nextFrom = new Array(segs.length).fill(-1);
  const seen = { "C>S": -1, "S>C": -1 };
  for (let i = segs.length - 1; i >= 0; i--) {
    nextFrom[i] = seen[segs[i].dir === "C>S" ? "S>C" : "C>S"];
    seen[segs[i].dir] = i;
  }
  const byFrame = new Map();
  for (const st of c.states) {
    if (!byFrame.has(st.frame)) byFrame.set(st.frame, []);
    byFrame.get(st.frame).push(st);
  }
  const keyed = []; // [time µs, phase, order, event]
  let order = 0;
  const push = (time, phase, e) => keyed.push([time, phase, order++, e]);
  const lastDelivery = { "C>S": 0, "S>C": 0 };
  segs.forEach((s, i) => {
    const id = i + 1;
    const side = sideOf(s.dir);
    const to = other(side);
    const segment = { flags: s.flags, seq: s.seq, ack: s.ack, seq_rel: s.seq_rel, ack_rel: s.ack_rel, len: s.len, win: s.win };
    const base = { capture: true, frame: s.frame, id, segment };
    const changes = byFrame.get(s.frame) ?? [];
    for (const st of changes.filter((x) => x.side === side)) push(at[i], 1, stateEvent(st, at[i]));
    push(at[i], 1, { t_us: at[i], kind: "send", side, dir: side === "client" ? "c2s" : "s2c", retransmission: !!s.retransmission, stale: false, ...base });
    const theirs = changes.filter((x) => x.side === to);
    if (s.lost) {
      push(at[i], 1, { t_us: at[i], kind: "drop", side: to, cause: "capture", ...base });
      for (const st of theirs) push(at[i], 1, stateEvent(st, at[i]));
      return;
    }
    let time = at[i] + ow;
    let phase = 2;
    const n = nextFrom[i];
    if (n >= 0) {
      const reply = segs[n];
      const acked = reply.ack_rel !== null && ((reply.ack_rel - (s.seq_rel + seqLen(s))) | 0) >= 0;
      if (seqLen(s) === 0 || acked) {
        if (time >= at[n]) [time, phase] = [at[n], 0]; // arrived before the reply left
      } else if (time <= at[n]) {
        [time, phase] = [at[n], 3]; // crossed: the reply was on its way already
      }
    }
    // Segments one way arrive in the order they were sent (the receiver's states follow that order).
    time = Math.max(time, lastDelivery[s.dir]);
    lastDelivery[s.dir] = time;
    push(time, phase, { t_us: time, kind: "deliver", side: to, ...base });
    for (const st of theirs) push(time, phase, stateEvent(st, time));
  });
  keyed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const events = keyed.map((k) => k[3]);
  const initial = { client: c.initial.client, server: c.initial.server };
  const now = { ...initial };
  for (const e of events) if (e.kind === "state") now[e.side] = e.to;
  // Each side's base (its ISN when the capture has its SYN): raw minus relative,
  // from any segment but a RST from a closed port (SEQ 0, shown as 1).
  const first = (dir) => segs.find((s) => s.dir === dir && !(s.flags.includes("RST") && s.seq === 0));
  const isn = (s) => (s ? (s.seq - s.seq_rel) >>> 0 : null);
  return {
    capture: true,
    handshake: "three-way",
    initial,
    client: { isn: isn(first("C>S")), addr: c.client },
    server: { isn: isn(first("S>C")), addr: c.server },
    oneWayUs: measured,
    events,
    outcome: { client: now.client, server: now.server, facts: [] },
  };
}

function stateEvent(st, time) {
  return { t_us: time, kind: "state", side: st.side, from: st.from, to: st.to, reason_key: st.reason_key, rfc: st.rfc, capture: true, frame: st.frame };
}

/**
 * The lines under the title: which connection this is, what is drawn and what is
 * not, how to read the arrows' slant, and the reader's notes (in English, as the
 * library writes them).
 */
export function numbersNote(trace, options, t) {
  if (options.numbers === "absolute") return t.ui.absoluteNote;
  const { client, server } = trace;
  if (client.isn === null || server.isn === null) return t.capture.relativeNote;
  return options.numbers === "symbolic" ? t.ui.symbolicNote(client.isn, server.isn) : t.ui.relativeNote(client.isn, server.isn);
}

export function infoBox(view, trace, t) {
  const k = t.capture;
  const c = view.connection;
  const box = el("div", { class: "capture-info" });
  box.append(el("p", { class: "capture-which" }, k.which(view.index, view.count, c.client, c.server)));
  if (c.segments.length < c.total) {
    box.append(el("p", { class: "capture-window", role: "note" }, k.window(c.segments.length, c.total)));
  }
  const rtt = trace.oneWayUs;
  box.append(el("p", {}, rtt === null ? k.slantNominal : k.slant(((2 * rtt) / 1000).toFixed(3))));
  const notes = [...view.notes, ...c.notes];
  if (notes.length) {
    const d = el("details", { class: "capture-notes" });
    d.append(el("summary", {}, k.notes(notes.length)));
    const ul = el("ul", { lang: "en" }); // the library's own sentences
    for (const n of notes) ul.append(el("li", {}, n));
    d.append(ul);
    box.append(d);
  }
  return box;
}

const CSS = `
.capture-progress { display: grid; gap: .5em; padding: 1.2em 1em; color: var(--synack-fg); background: var(--synack-bg); border: 1px solid var(--synack-line); border-radius: 10px; }
.capture-progress progress { width: 100%; height: .8em; accent-color: var(--synack-client); }
.capture-info { padding: 0 .8em .4em; font-size: .85em; color: var(--synack-muted); overflow-wrap: anywhere; }
.capture-info p { margin: .2em 0; }
.capture-info .capture-which { color: var(--synack-fg); font-family: var(--synack-mono); font-size: .95em; }
.capture-info .capture-window { color: var(--synack-fg); font-weight: 600; }
.capture-info ul { margin: .3em 0; padding-left: 1.2em; }
.capture-info summary { cursor: pointer; }
`;
/** Adds the capture parts' styles to the element's shadow root (a constructed sheet: CSP-safe). */
export function adoptStyles(root) {
  adopt(root, CSS);
}
