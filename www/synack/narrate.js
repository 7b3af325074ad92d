// What each step means, in one or two sentences, with the RFC section. The words
// come from an i18n table (i18n/en.js, i18n/zh-CN.js); this file only chooses them.

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
  // A listener's queue change (kind "queue") belongs with what caused it at that instant.
  const secondary = e.kind === "state" || e.kind === "discard" || e.kind === "accept" || e.kind === "send"
    || e.kind === "queue"
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

/**
 * The sentences for the events start..end (a step), in the language of `t`
 * (an i18n table); each reason is told once, with its RFC section.
 */
export function narrate(events, start, end, fmtSeg, t) {
  const parts = [];
  const told = new Set();
  for (let k = start; k < end; k++) {
    const e = events[k];
    const text = e.reason_key ? t.reasons[e.reason_key] : undefined;
    const why = text && !told.has(e.reason_key) ? t.say.why(text, e.rfc) : "";
    if (e.reason_key) told.add(e.reason_key);
    const s = sentence(e, fmtSeg, why, t);
    if (s) parts.push(s);
  }
  return t.say.join(parts);
}

function sentence(e, fmtSeg, why, t) {
  const say = t.say;
  const who = t.who[e.side];
  if (e.capture) return captureSentence(e, fmtSeg, why, t);
  switch (e.kind) {
    case "send":
      if (e.stale) return say.sendStale(who, fmtSeg(e), why);
      if (e.retransmission) return say.sendAgain(who, fmtSeg(e), why);
      return say.send(who, fmtSeg(e), why);
    case "deliver":
      return say.deliver(e.segment.flags.join(","), e.id, e.side === "client" ? t.ui.clientWord : t.ui.serverWord);
    case "drop":
      if (e.cause === "no-host") return say.noHost(e.id);
      if (e.cause === "cut") return say.cut(e.id);
      return e.cause === "loss" ? say.lost(e.id) : say.lostScripted(e.id);
    case "duplicate":
      return say.duplicate(e.id, e.copy);
    case "queue":
      // Its reason says what changed (an entry expired, accept() took one...),
      // unless the step already told it; the lengths are for the element to draw.
      return why.trim();
    case "state":
      return say.state(who, e.from, e.to, why);
    case "discard":
      return say.discard(who, e.id, why);
    case "accept":
      return say.accept(who, e.id, why);
    case "timer":
      if (e.action !== "fired") return "";
      return say.timer(who, say.timerName[e.timer] ?? e.timer);
    case "app":
      if (e.do === "send") return say.appSend(who, e.len, e.text ? firstLine(e.text) : "");
      if (e.do === "crash") return say.crash(who);
      if (e.do) return say.appCall(who, e.do);
      if (e.note === "received") return say.received(who, e.len);
      if (e.note === "error") return say.error(who, t.appErrors[e.message] ?? e.message);
      return TOLD.includes(e.note) ? say[e.note](who) : "";
    default:
      return "";
  }
}

/**
 * A recorded segment or an inferred state (capture.js): the capture shows what
 * was sent; arrivals and states are inferred, and the sentences say so.
 */
function captureSentence(e, fmtSeg, why, t) {
  const say = t.capture.say;
  const who = t.who[e.side];
  switch (e.kind) {
    case "send":
      return e.retransmission ? say.sendAgain(who, fmtSeg(e), e.frame) : say.send(who, fmtSeg(e), e.frame);
    case "deliver":
      return say.deliver(e.segment.flags.join(","), e.id, e.side === "client" ? t.ui.clientWord : t.ui.serverWord);
    case "drop":
      return say.lost(e.id);
    case "state":
      return say.state(who, e.from, e.to, why);
    default:
      return "";
  }
}

/** Notes the application is told in a sentence of their own. */
const TOLD = ["peer-closed", "reset", "refused", "timed-out"];

function firstLine(text) {
  const line = text.split(/\r?\n/)[0];
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/**
 * One event as a row of the text table: what happened, and why (the reason's
 * sentence and its RFC section). Null for events a reader need not see (timers
 * being set or cancelled, notes without words).
 */
export function describe(e, fmtSeg, t) {
  const what = sentence(e, fmtSeg, "", t);
  if (!what) return null;
  return { what, why: (e.reason_key && t.reasons[e.reason_key]) || "", rfc: e.rfc ?? "" };
}
