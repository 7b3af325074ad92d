// <synack-viz capture="…">: a recorded connection instead of a simulated one.
// This module is a chunk of its own (element.js reaches it by dynamic import()),
// so a page without a capture never downloads it. It starts the capture reader's
// worker (capture/worker.js, built by scripts/build-site.sh), shows its progress,
// and hands on the trace the reader made of one connection (docs/trace-format.md,
// "Captures"), which layout.js and narrate.js draw as they draw a scenario's.
// No TCP here: arrivals, crossings and ISNs are worked out in Rust.

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
  if (trace.outcome.truncated) {
    const shown = trace.events.filter((e) => e.kind === "send").length;
    box.append(el("p", { class: "capture-window", role: "note" }, k.window(shown, c.total)));
  }
  const rtt = trace.rtt_us;
  box.append(el("p", {}, rtt === null ? k.slantNominal : k.slant((rtt / 1000).toFixed(3))));
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
