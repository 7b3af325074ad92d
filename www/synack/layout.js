// Pure geometry: a trace and a width in, rows, arrows, state marks out.
// Nothing here touches the DOM, so it can be read (and tested) on its own.

/** Width of one character of the 11 px monospace label font. */
export const CHAR_W = 6.7;
export const LINE_H = 14;
const PILL_H = 18;

/**
 * The numbers a reader sees: raw, relative, or symbolic (textbook letters: x for
 * the client's ISN, y for the server's, x′ for a later incarnation's, so seq=x+1).
 * The engine (and the capture reader) work the relative ones out in Rust and put
 * them in the trace as `seq_rel`/`ack_rel`, with `seq_isn`/`ack_isn` saying which
 * of the side's ISNs they count from (a capture has one per direction: 0); null
 * means "no origin: show the number as sent". No TCP here.
 */
export function numbering(mode) {
  return (event) => {
    const seg = event.segment;
    const src = event;
    const counted = mode !== "absolute" && src.seq_rel !== undefined;
    const sender = event.side ?? (event.dir === "s2c" ? "server" : "client");
    const shown = (rel, isn, raw, side) => {
      if (!counted || rel === null || rel === undefined) return String(raw);
      if (mode !== "symbolic") return String(rel);
      const name = (side === "client" ? "x" : "y") + "′".repeat(isn ?? 0);
      return rel === 0 ? name : `${name}+${rel}`;
    };
    const receiver = sender === "client" ? "server" : "client";
    return {
      seq: shown(src.seq_rel, src.seq_isn, seg.seq, sender),
      ack: seg.ack === null ? null : shown(src.ack_rel, src.ack_isn, seg.ack, receiver),
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

function formatGap(us, t) {
  const s = us / 1e6;
  return t.ui.seconds(s >= 100 ? Math.round(s) : +s.toFixed(1));
}

/**
 * Lay a trace out for a diagram `width` pixels wide; `options.t` is an i18n table
 * (i18n/en.js or zh-CN.js) for the words drawn beside the lifelines.
 * Every event gets a row (a y); a segment's arrow runs from its send row to its
 * delivery row, so segments that cross in flight are drawn crossing.
 */
export function layout(trace, options) {
  // A label must not be crossed by an earlier arrow from the same side; how much
  // room that takes depends on slopes known only after a pass, so add the room
  // where it is missing and lay out again (each pass shrinks the overlap).
  const extra = new Float64Array(trace.events.length);
  let geo = layoutOnce(trace, options, extra);
  for (let pass = 0; pass < 8; pass++) {
    const fixes = overlaps(geo);
    if (fixes.length === 0) break;
    for (const [index, dy] of fixes) extra[index] += dy;
    geo = layoutOnce(trace, options, extra);
  }
  return geo;
}

/** Label box of a segment: where element.js draws it. */
export function labelBox(s) {
  const w = Math.max(...s.lines.map((l) => l.length)) * CHAR_W + 8;
  const h = s.lines.length * LINE_H + 2;
  const c2s = s.dir === "c2s";
  const x = c2s ? s.x1 + 8 : s.x1 - 8 - w;
  const slope = (s.y2 - s.y1) / Math.abs(s.x2 - s.x1 || 1);
  const bottom = s.y1 + slope * 8 - 3;
  return { x, y: bottom - h, w, h };
}

/** [event index, extra room] for labels that an earlier same-way arrow crosses. */
function overlaps(geo) {
  const fixes = [];
  const segs = geo.segments.filter((s) => !s.duplicate);
  for (const s of segs) {
    const box = labelBox(s);
    for (const p of segs) {
      if (p === s || p.dir !== s.dir || p.y1 >= s.y1) continue;
      const far = s.dir === "c2s" ? box.x + box.w : box.x; // where p runs lowest over the label
      const t = (far - p.x1) / (p.x2 - p.x1 || 1);
      if (t < 0 || t > 1) continue;
      const yAt = p.y1 + (p.y2 - p.y1) * t;
      if (yAt > box.y - 2 && yAt < box.y + box.h + 2 + (s.y1 - box.y)) fixes.push([s.index, yAt - box.y + 4]);
    }
  }
  return fixes;
}

function layoutOnce(trace, { width, numbers = "relative", t }, extra) {
  const events = trace.events;
  const margin = Math.max(52, Math.min(150, Math.round(width * 0.16)));
  const xClient = margin;
  const xServer = width - margin;
  const span = xServer - xClient;
  const labelMax = span * 0.5 - 16;
  const xOther = xClient + Math.round(span * 0.3);
  const wide = margin >= 72; // room for words beside the lifelines
  const nums = numbering(numbers);

  const rows = new Float64Array(events.length);
  const segments = [];
  const byId = new Map();
  const states = [];
  const marks = [];
  const breaks = [];
  // The last segment delivered each way: a later one arrives at least as far
  // below it as it left, so same-way arrows never converge onto each other's labels.
  const lastDelivered = { c2s: null, s2c: null };
  let lostEnd = 0;
  // A listener's last queue lengths, to name the queue that changed.
  const queues = {};

  let y = 18;
  // A capture may begin with a side already past CLOSED (a listening server, a
  // connection caught mid-way): that state is marked at the top, from the start.
  for (const side of ["client", "server"]) {
    const first = trace.initial?.[side];
    if (first && first !== "CLOSED") states.push({ index: -1, side, from: null, to: first, y: y + PILL_H / 2 });
  }
  if (states.length) y += PILL_H + 6;
  let prevT = events.length ? events[0].t_us : 0;
  events.forEach((e, i) => {
    y += extra[i];
    const dt = e.t_us - prevT;
    if (dt > 0) {
      const gap = timeGap(dt);
      // A break's words sit below where any lost segment's arrow stops.
      if (dt > 2_000_000) breaks.push({ y: (y = Math.max(y, lostEnd)) + gap / 2, text: t.ui.later(formatGap(dt, t)) });
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
        if (e.cookie) tokens.push("cookie"); // a SYN cookie's ISN (the inspector shows its parts)
        // A Fast Open option (RFC 7413): a cookie request, or the cookie, by its start.
        const tfo = seg.options?.fast_open;
        if (tfo != null) tokens.push(`tfo=${tfo ? tfo.slice(0, 8) + "…" : "req"}`);
        // A closed window, and the update that opens it (flow control, RFC 9293 §3.8.6).
        if ((seg.window === 0 && !seg.flags.includes("RST")) || e.reason_key === "window-update") tokens.push(`win=${seg.window}`);
        // From (or to) a host the diagram does not draw: another client, a forged
        // source, an attacker forging the client's own port. Its end is a point
        // between the lifelines, named by its port.
        const port = e.dir === "c2s" ? seg.src_port : seg.dst_port;
        const other = trace.client?.port != null && (port !== trace.client.port || e.reason_key === "forged");
        const lines = wrap(tokens, labelMax);
        if (other) lines.push((t.ui[e.dir === "c2s" ? "fromPort" : "toPort"] ?? String)(port, e.reason_key));
        y += lines.length * LINE_H + 8;
        rows[i] = y;
        const s = {
          id: e.id, index: i, dir: e.dir, segment: seg, lines,
          retransmission: e.retransmission, stale: e.stale, lost: false, duplicate: false,
          x1: e.dir === "c2s" ? (other ? xOther : xClient) : xServer, x2: e.dir === "c2s" ? xServer : other ? xOther : xClient,
          y1: y, y2: null, end: null, other,
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
          const copy = { ...orig, id: e.copy, index: i, duplicate: true, lines: [t.ui.copyOf(e.copy, e.id)], y2: null, end: null };
          segments.push(copy);
          byId.set(e.copy, copy);
        }
        break;
      }
      case "deliver": {
        y += 2;
        const s = byId.get(e.id);
        const prev = s ? lastDelivered[s.dir] : null;
        // Only for a segment sent while the previous one was still on its way.
        if (s && prev && prev.y1 < s.y1 && prev.y2 > s.y1) y = Math.max(y, prev.y2 + (s.y1 - prev.y1));
        rows[i] = y;
        if (s && s.y2 === null) {
          s.y2 = y;
          s.end = i;
          lastDelivered[s.dir] = s;
        }
        break;
      }
      case "drop": {
        rows[i] = y;
        const s = byId.get(e.id);
        if (s) {
          // Sent to a host not drawn: it reaches that host's point, and what
          // happens there is outside the diagram (a forged source never answers,
          // another client does).
          s.lost = e.cause !== "no-host";
          s.end = i;
          // A lost segment stops half-way, on the slope a delivery would have had.
          s.y2 = s.y1 + 26;
          lostEnd = Math.max(lostEnd, s.y2);
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
      case "discard": case "accept": case "app": case "timer": case "queue": {
        const text = markText(e, t.marks, queues);
        if (text === null) { rows[i] = y; break; }
        y += 14;
        rows[i] = y;
        marks.push({ index: i, side: e.side, kind: e.kind, text, y, words: wide });
        y += 4 + (wide ? 13 * (text.split("\n").length - 1) : 0); // a mark of two lines: both queues changed
        break;
      }
      default:
        rows[i] = y;
    }
  });
  for (const s of segments) {
    if (s.y2 === null) s.y2 = y + 12; // still in flight when the run stopped
    // Lost on the way: it stops half-way.
    if (s.lost) {
      s.x2 = (s.x1 + s.x2) / 2;
    }
  }
  const height = Math.ceil(y + 24);
  return { width, height, xClient, xServer, margin, rows, segments, states, marks, breaks, wide };
}

/**
 * The words beside a lifeline for events that are not segments or states (`m`:
 * an i18n `marks` table; `queues`: each side's last queue event, updated here).
 */
function markText(e, m, queues) {
  switch (e.kind) {
    case "queue": {
      // The queue whose length changed, out of its backlog + 1 places.
      const last = queues[e.side];
      queues[e.side] = e;
      const places = e.backlog + 1;
      const syn = !last || last.syn_queue !== e.syn_queue;
      const accept = last && last.accept_queue !== e.accept_queue;
      return [syn && m.synQueue(e.syn_queue, places), accept && m.acceptQueue(e.accept_queue, places)].filter(Boolean).join("\n");
    }
    case "app":
      if (e.do === "crash") return m.crash;
      if (e.do) return m.call(e.do);
      if (["reset", "refused", "timed-out", "error"].includes(e.note)) return m[e.note];
      return null;
    case "timer":
      if (e.action !== "fired") return null;
      return m[e.timer] ?? e.timer;
    case "discard":
      return m.ignores(e.id);
    case "accept":
      return m.takes(e.id);
    default:
      return null;
  }
}

/** The state each side is in after the first `n` events. */
export function statesAfter(trace, n) {
  const now = { client: "CLOSED", server: "CLOSED", ...trace.initial }; // a capture may start in LISTEN or ESTABLISHED
  for (let i = 0; i < n && i < trace.events.length; i++) {
    const e = trace.events[i];
    if (e.kind === "state") now[e.side] = e.to;
  }
  return now;
}
