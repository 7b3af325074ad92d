// Pure geometry: a trace and a width in, rows, arrows, state marks out.
// Nothing here touches the DOM, so it can be read (and tested) on its own.

/** Width of one character of the 11 px monospace label font. */
export const CHAR_W = 6.7;
export const LINE_H = 14;
const PILL_H = 18;

/** The numbers a reader sees: raw, or relative to each side's SYN as Wireshark does. */
export function numbering(trace, mode) {
  const base = { client: trace.client.isn >>> 0, server: trace.server.isn >>> 0 };
  const rel = (n, origin) => ((n - origin) | 0).toString();
  return (event) => {
    const seg = event.segment;
    const from = event.side;
    const to = from === "client" ? "server" : "client";
    if (mode === "relative" && seg.flags.includes("SYN") && !seg.flags.includes("RST") && !event.stale) {
      base[from] = seg.seq >>> 0;
    }
    if (mode !== "relative") {
      return { seq: String(seg.seq), ack: seg.ack === null ? null : String(seg.ack) };
    }
    // A RST from a closed port carries SEQ=0 in every numbering.
    const closedPortRst = seg.flags.includes("RST") && seg.seq === 0;
    return {
      seq: closedPortRst ? "0" : rel(seg.seq, base[from]),
      ack: seg.ack === null ? null : rel(seg.ack, base[to]),
    };
  };
}

/** Vertical room for a gap in virtual time: logarithmic, so 50 ms and 4 min both fit. */
function timeGap(dtUs) {
  if (dtUs <= 0) return 0;
  const ms = dtUs / 1000;
  if (ms > 2000) return 40; // drawn as a break, "… 240 s later"
  return Math.min(8 + 9 * Math.log2(1 + ms / 5), 64);
}

/** Break a label into lines that fit `maxW` pixels. */
export function wrap(tokens, maxW) {
  const lines = [];
  let line = "";
  for (const t of tokens) {
    const next = line ? `${line} ${t}` : t;
    if (line && next.length * CHAR_W > maxW) {
      lines.push(line);
      line = t;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A state's family, for colour. */
export function stateFamily(state) {
  switch (state) {
    case "CLOSED": return "closed";
    case "LISTEN": case "SYN-SENT": case "SYN-RECEIVED": return "opening";
    case "ESTABLISHED": return "open";
    case "TIME-WAIT": return "waiting";
    default: return "closing";
  }
}

function formatGap(us) {
  const s = us / 1e6;
  return s >= 100 ? `${Math.round(s)} s` : `${+s.toFixed(1)} s`;
}

/**
 * Lay a trace out for a diagram `width` pixels wide.
 * Every event gets a row (a y); a segment's arrow runs from its send row to its
 * delivery row, so segments that cross in flight are drawn crossing.
 */
export function layout(trace, { width, numbers = "relative" }) {
  const events = trace.events;
  const margin = Math.max(52, Math.min(150, Math.round(width * 0.16)));
  const xClient = margin;
  const xServer = width - margin;
  const span = xServer - xClient;
  const labelMax = span * 0.5 - 16;
  const wide = margin >= 72; // room for words beside the lifelines
  const nums = numbering(trace, numbers);

  const rows = new Float64Array(events.length);
  const segments = [];
  const byId = new Map();
  const states = [];
  const marks = [];
  const breaks = [];

  let y = 18;
  let prevT = events.length ? events[0].t_us : 0;
  events.forEach((e, i) => {
    const dt = e.t_us - prevT;
    if (dt > 0) {
      const gap = timeGap(dt);
      if (dt > 2_000_000) breaks.push({ y: y + gap / 2, text: `… ${formatGap(dt)} later` });
      y += gap;
      prevT = e.t_us;
    }
    switch (e.kind) {
      case "send": {
        const n = nums(e);
        const seg = e.segment;
        const tokens = [`#${e.id}`, seg.flags.join(","), `seq=${n.seq}`];
        if (n.ack !== null) tokens.push(`ack=${n.ack}`);
        if (seg.len > 0) tokens.push(`len=${seg.len}`);
        const lines = wrap(tokens, labelMax);
        y += lines.length * LINE_H + 8;
        rows[i] = y;
        const s = {
          id: e.id, index: i, dir: e.dir, segment: seg, lines,
          retransmission: e.retransmission, stale: e.stale, lost: false, duplicate: false,
          x1: e.dir === "c2s" ? xClient : xServer, x2: e.dir === "c2s" ? xServer : xClient,
          y1: y, y2: null, end: null,
        };
        segments.push(s);
        byId.set(e.id, s);
        y += 4;
        break;
      }
      case "duplicate": {
        rows[i] = y;
        const orig = byId.get(e.id);
        if (orig) {
          const copy = { ...orig, id: e.copy, index: i, duplicate: true, lines: [`#${e.copy} copy of #${e.id}`], y2: null, end: null };
          segments.push(copy);
          byId.set(e.copy, copy);
        }
        break;
      }
      case "deliver": {
        y += 2;
        rows[i] = y;
        const s = byId.get(e.id);
        if (s && s.y2 === null) { s.y2 = y; s.end = i; }
        break;
      }
      case "drop": {
        rows[i] = y;
        const s = byId.get(e.id);
        if (s) {
          s.lost = true;
          s.end = i;
          // A lost segment stops half-way, on the slope a delivery would have had.
          s.y2 = s.y1 + 26;
        }
        break;
      }
      case "state": {
        y += PILL_H / 2 + 6;
        rows[i] = y;
        states.push({ index: i, side: e.side, from: e.from, to: e.to, y });
        y += PILL_H / 2 + 2;
        break;
      }
      case "discard": case "accept": case "app": case "timer": {
        const text = markText(e);
        if (text === null) { rows[i] = y; break; }
        y += 14;
        rows[i] = y;
        marks.push({ index: i, side: e.side, kind: e.kind, text, y, words: wide });
        y += 4;
        break;
      }
      default:
        rows[i] = y;
    }
  });
  for (const s of segments) {
    if (s.y2 === null) s.y2 = y + 12; // still in flight when the run stopped
    if (s.lost) {
      s.x2 = (s.x1 + s.x2) / 2;
    }
  }
  const height = Math.ceil(y + 24);
  return { width, height, xClient, xServer, margin, rows, segments, states, marks, breaks, wide };
}

/** The words beside a lifeline for events that are not segments or states. */
function markText(e) {
  switch (e.kind) {
    case "app":
      if (e.do) return `${e.do}()`;
      if (["reset", "refused", "timed-out", "error"].includes(e.note)) return e.note === "error" ? "error" : e.note.replace("-", " ");
      return null;
    case "timer":
      if (e.action !== "fired") return null;
      return e.timer === "retransmission" ? "⏱ RTO" : e.timer === "time-wait" ? "⏱ 2×MSL" : "⏱ ACK";
    case "discard":
      return `⊘ #${e.id}`;
    case "accept":
      return `✓ #${e.id}`;
    default:
      return null;
  }
}

/** The state each side is in after the first `n` events. */
export function statesAfter(trace, n) {
  const now = { client: "CLOSED", server: "CLOSED" };
  for (let i = 0; i < n && i < trace.events.length; i++) {
    const e = trace.events[i];
    if (e.kind === "state") now[e.side] = e.to;
  }
  return now;
}
