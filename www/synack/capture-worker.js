// The capture reader's module worker: reads a pcap or pcapng file off the main
// thread, so a large file never freezes the page. scripts/build-site.sh bundles
// this file with the wasm-bindgen glue into dist/synack/capture/worker.js, beside
// synack_capture_wasm_bg.wasm (a same-origin file: `worker-src 'self'` is enough).
//
// In:  { blob } or { url }, plus { connection, maxBytes, window }.
// Out: { type: "progress", done, total } as bytes are read (total: null when the
//      size is unknown), then { type: "done", view } or { type: "error", key, number, message }.
// The file's bytes never leave this worker: a Blob is read from memory, a URL is
// fetched (the only request made, and it carries no file).

import init, { CaptureReader } from "./capture/synack_capture_wasm.js";

/** The reader takes the file in pieces of at most this many bytes. */
const PIECE = 1 << 20;
/** Progress is posted each time this many more bytes have been read. */
const PROGRESS_STEP = 1 << 20;
/** Connections listed for the reader to choose from (each one's numbers are small). */
const MAX_LISTED = 1000;
/**
 * The last response, kept referenced: Chromium can report a fetch as aborted
 * when its Response is collected after the body was read but before the
 * network layer has marked the request complete.
 */
let response = null;

self.onmessage = async ({ data }) => {
  try {
    await init({ module_or_path: new URL("./synack_capture_wasm_bg.wasm", import.meta.url) });
    const capture = await read(data);
    self.postMessage({ type: "done", view: view(capture, data.connection, data.window) });
  } catch (err) {
    self.postMessage({ type: "error", key: err?.key ?? "other", number: err?.number ?? null, message: err?.message ?? String(err) });
  }
};

function fail(key, number, message) {
  return Object.assign(new Error(message), { key, number });
}

async function read({ blob, url, maxBytes }) {
  let stream;
  let total = null;
  if (blob) {
    total = blob.size;
    if (maxBytes && total > maxBytes) throw fail("too-large", maxBytes, `the capture is larger than ${maxBytes} bytes`);
    stream = blob.stream();
  } else {
    let res;
    try {
      res = await fetch(url);
    } catch (err) {
      throw fail("fetch", null, err?.message ?? String(err));
    }
    response = res;
    if (!res.ok) throw fail("http", res.status, `${res.status} ${res.statusText}`);
    // Without a content encoding, Content-Length is the file's size.
    const length = Number(res.headers.get("content-length"));
    if (!res.headers.get("content-encoding") && length > 0) total = length;
    stream = res.body;
  }
  const reader = new CaptureReader(maxBytes || 0);
  const parts = stream.getReader();
  let posted = 0;
  self.postMessage({ type: "progress", done: 0, total });
  for (;;) {
    const { done, value } = await parts.read();
    if (done) break;
    for (let at = 0; at < value.length; at += PIECE) reader.push(value.subarray(at, at + PIECE));
    const consumed = reader.consumed();
    if (consumed - posted >= PROGRESS_STEP) {
      posted = consumed;
      self.postMessage({ type: "progress", done: consumed, total });
    }
    if (reader.isFull()) {
      parts.cancel().catch(() => {});
      break;
    }
  }
  const capture = JSON.parse(reader.finish());
  reader.free();
  return capture;
}

/**
 * What the element needs of a capture: the list of connections (addresses and
 * sizes), and one connection's first `window` segments with the state changes
 * they cause. Only this bounded part crosses to the page.
 */
function view(capture, wanted, window) {
  const conns = capture.connections;
  const index = wanted ?? 1;
  if (index < 1 || index > conns.length) {
    throw fail("no-connection", conns.length, `there is no connection ${index}: the capture holds ${conns.length}`);
  }
  const c = conns[index - 1];
  const segments = c.segments.slice(0, window);
  const lastFrame = segments.length ? segments[segments.length - 1].frame : 0;
  const shown = new Set(segments.map((s) => s.frame));
  return {
    frames: capture.frames,
    notes: capture.notes,
    count: conns.length,
    list: conns.slice(0, MAX_LISTED).map((k) => ({ client: k.client, server: k.server, segments: k.segments.length })),
    index,
    connection: {
      client: c.client,
      server: c.server,
      initial: c.initial,
      last: c.last,
      notes: c.notes,
      bad_checksums: c.bad_checksums,
      total: c.segments.length,
      segments,
      states: c.states.filter((s) => s.frame <= lastFrame && shown.has(s.frame)),
    },
  };
}
