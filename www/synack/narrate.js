// What each step means, in one or two sentences, with the RFC section.

const SIDE = { client: "The client", server: "The server" };

/**
 * Group events into reader steps: a cause (an application call, a segment
 * arriving, a timer firing) with the reaction it sets off at the same instant on
 * the same side (state changes, segments sent, segments lost on the way).
 * Returns the index just past each step's last event.
 */
export function steps(events) {
  const ends = [];
  let i = 0;
  while (i < events.length) {
    const first = events[i];
    let j = i + 1;
    while (j < events.length && follows(first, events[j])) j++;
    if (isVisible(events, i, j)) ends.push(j);
    else if (ends.length) ends[ends.length - 1] = j;
    else ends.push(j);
    i = j;
  }
  return ends;
}

function follows(first, e) {
  if (e.t_us !== first.t_us) return false;
  if (e.kind === "drop" || e.kind === "duplicate") return true; // what became of a segment just sent
  const secondary = e.kind === "state" || e.kind === "discard" || e.kind === "accept" || e.kind === "send"
    || (e.kind === "timer" && e.action !== "fired") || (e.kind === "app" && e.note);
  return secondary && e.side === first.side;
}

function isVisible(events, i, j) {
  for (let k = i; k < j; k++) {
    const e = events[k];
    if (e.kind !== "timer" && !(e.kind === "app" && e.note === "connected")) return true;
  }
  return false;
}

/** The step's primary event. */
export function primary(events, start, end) {
  for (let k = start; k < end; k++) {
    const e = events[k];
    if (e.kind !== "timer" || e.action === "fired") return e;
  }
  return events[start];
}

/** The sentences for the events start..end (a step); each reason is told once. */
export function narrate(events, start, end, fmtSeg) {
  const parts = [];
  const told = new Set();
  for (let k = start; k < end; k++) {
    const e = events[k];
    const why = e.reason && !told.has(e.reason_key) ? ` ${e.reason}${cite(e)}` : "";
    if (e.reason_key) told.add(e.reason_key);
    const s = sentence(e, fmtSeg, why);
    if (s) parts.push(s);
  }
  return parts.join(" ");
}

const cite = (e) => (e.rfc ? ` (${e.rfc})` : "");

function sentence(e, fmtSeg, why) {
  const who = SIDE[e.side];
  switch (e.kind) {
    case "send": {
      const what = `${who} sends ${fmtSeg(e)}`;
      if (e.stale) return `${what}: an old duplicate.${why}`;
      if (e.retransmission) return `${what} again.${why}`;
      return `${what}.${why}`;
    }
    case "deliver":
      return `${e.segment.flags.join(",")} #${e.id} reaches the ${e.side}.`;
    case "drop":
      return e.cause === "loss" ? `The network loses #${e.id}.` : `#${e.id} is lost in the network.`;
    case "duplicate":
      return `The network duplicates #${e.id}; the copy is #${e.copy}.`;
    case "state":
      return `${who}: ${e.from} → ${e.to}.${why}`;
    case "discard":
      return `${who} drops #${e.id}.${why}`;
    case "accept":
      return `${who} takes #${e.id}.${why}`;
    case "timer":
      if (e.action !== "fired") return "";
      return `${who}'s ${e.timer.replace("-", " ")} timer fires.`;
    case "app":
      if (e.do === "send") return `${who}'s application sends ${e.len} bytes${e.text ? `: “${firstLine(e.text)}”` : ""}.`;
      if (e.do) return `${who}'s application calls ${e.do}().`;
      switch (e.note) {
        case "received": return `${who}'s application reads ${e.len} bytes.`;
        case "peer-closed": return `${who}'s application sees the end of the peer's data.`;
        case "reset": return `${who}'s application is told: connection reset.`;
        case "refused": return `${who}'s application is told: connection refused.`;
        case "timed-out": return `${who}'s application is told: connection timed out.`;
        case "error": return `${who}'s call fails: ${e.message}.`;
        default: return "";
      }
    default:
      return "";
  }
}

function firstLine(text) {
  const line = text.split(/\r?\n/)[0];
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}
