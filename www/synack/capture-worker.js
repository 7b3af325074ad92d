// The capture reader's module worker: reads a pcap or pcapng file off the main
// thread, so a large file never freezes the page. scripts/build-site.sh bundles
// this file with the wasm-bindgen glue into dist/synack/capture/worker.js, beside
// synack_capture_wasm_bg.wasm (a same-origin file: `worker-src 'self'` is enough).
//
// In:  { blob, connection, maxBytes, window }: a File or Blob, read here; or
//      { begin: total, connection, maxBytes, window }, then { chunk, total }… and
//      { end }: a URL's body, fetched by the page (capture.js) and handed over
//      chunk by chunk (each answered by { type: "ack" }, so only a few are queued).
// Out: { type: "progress", done, total } as bytes are read (total: null when the
//      size is unknown), then { type: "done", view } or { type: "error", key, number, message }.
// The whole file is read in one pass, whatever its size: every connection is
// counted and summarised (the first MAX_LISTED are listed for the page), and the
// one asked for is kept whole and traced by the reader (docs/trace-format.md,
// "Captures"): its first `window` segments, ready to draw. Memory is bounded by the
// connections open at once.
// The worker makes no request but for its own wasm; the file's bytes never leave
// the browser.

import init, { CaptureLister } from "./capture/synack_capture_wasm.js";
import { isTrap } from "./failure.js";

/** The reader takes the file in pieces of at most this many bytes. */
const PIECE = 1 << 20;
/** Progress is posted each time this many more bytes have been read. */
const PROGRESS_STEP = 1 << 20;
/** Connections listed for the reader to choose from (each one's numbers are small). */
const MAX_LISTED = 1000;

let reader = null; // the capture being read
let options = null; // { connection, maxBytes, window }
let posted = 0;

/** Messages: { blob, ...options } reads a Blob here; { begin: total, ...options }, { chunk }…, { end } take a fetched body from the page. */
let queue = Promise.resolve(); // messages are handled one after another (the first awaits the wasm)
self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data));
};

async function handle(data) {
  try {
    if (data.blob || data.begin !== undefined) {
      await init({ module_or_path: new URL("./synack_capture_wasm_bg.wasm", import.meta.url) });
      options = data;
      reader = new CaptureLister(data.maxBytes || 0, data.connection ?? 1, MAX_LISTED, data.window);
      posted = 0;
      if (data.blob) await readBlob(data.blob);
      else self.postMessage({ type: "progress", done: 0, total: data.begin });
      return;
    }
    if (data.chunk) {
      if (!reader) return; // an error was already reported
      push(data.chunk, data.total);
      // Tell the page it may send more: it keeps only a few chunks in flight.
      self.postMessage({ type: "ack" });
      return;
    }
    if (data.end && reader) done();
  } catch (err) {
    reader = null;
    // A trap leaves the module unusable and names no cause: the page says so in the
    // reader's language, with the trap's own words in the console.
    const key = isTrap(err) ? "crashed" : err?.key ?? "other";
    self.postMessage({ type: "error", key, number: err?.number ?? null, message: err?.message ?? String(err) });
  }
}

function fail(key, number, message) {
  return Object.assign(new Error(message), { key, number });
}

function push(bytes, total) {
  for (let at = 0; at < bytes.length; at += PIECE) reader.push(bytes.subarray(at, at + PIECE));
  const consumed = reader.consumed();
  if (consumed - posted >= PROGRESS_STEP) {
    posted = consumed;
    self.postMessage({ type: "progress", done: consumed, total });
  }
}

/** A File or Blob from the page's picker or a drop: read from memory, never sent anywhere. */
async function readBlob(blob) {
  const total = blob.size;
  if (options.maxBytes && total > options.maxBytes) {
    throw fail("too-large", options.maxBytes, `the capture is larger than ${options.maxBytes} bytes`);
  }
  self.postMessage({ type: "progress", done: 0, total });
  const parts = blob.stream().getReader();
  for (;;) {
    const { done: end, value } = await parts.read();
    if (end) break;
    push(value, total);
  }
  done();
}

function done() {
  const capture = JSON.parse(reader.finish());
  reader.free();
  reader = null;
  self.postMessage({ type: "done", view: view(capture, options.connection) });
}

/**
 * What the element needs of a capture: the list of connections (addresses, sizes
 * and marks), and one connection's trace (its first `window` segments). Only this
 * bounded part crosses to the page.
 */
function view(capture, wanted) {
  const index = wanted ?? 1;
  const c = capture.connection;
  if (index < 1 || index > capture.count || !c) {
    throw fail("no-connection", capture.count, `there is no connection ${index}: the capture holds ${capture.count}`);
  }
  const marks = (k) => ["rst", "retrans", "lost", "zero-window", "incomplete"].filter((m, i) =>
    [k.rst, k.retransmissions > 0, k.lost > 0, k.zero_window, k.incomplete][i]);
  return {
    frames: capture.frames,
    notes: capture.notes,
    count: capture.count,
    list: capture.list.map((k) => ({
      client: k.client,
      server: k.server,
      segments: k.segments.client + k.segments.server,
      marks: marks(k),
    })),
    index,
    connection: c, // { client, server, notes, total, trace }
  };
}
