// The diagrams that do not come from the catalogue: a recorded connection
// (capture.js) and a packetdrill script (packetdrill.js). Each is a chunk of its
// own, fetched only when an element asks for it, and each ends in what the
// element draws: traces and the options to draw them with. What they need of the
// element's own modules is handed in, so that this chunk shares none with its bundle.

/**
 * A capture, read in a worker behind a progress bar (`show(box)` puts it on
 * screen). `last` is the previous read ({ key, view }): when only the numbers or
 * the language changed, its view is drawn again without reading the file again.
 * Resolves to null when `signal` aborted it.
 */
export async function loadCapture(host, t, file, signal, last, show, { captureStrings, readDisplay, readStart }) {
  const source = file
    ? { blob: file, name: file.name ?? "" }
    : { url: new URL(host.getAttribute("capture"), document.baseURI).href, name: host.getAttribute("capture") };
  const [cap, { capture }] = await Promise.all([import("./capture.js"), captureStrings(t.lang)]);
  if (signal.aborted) return null;
  if (t.capture !== capture) t = { ...t, capture };
  const options = readCaptureOptions(host, t, readDisplay, readStart);
  cap.adoptStyles(host.shadowRoot);
  const key = [file ?? source.url, options.connection, options.maxBytes];
  let view = last && last.key.every((v, i) => v === key[i]) ? last.view : null;
  if (!view) {
    const progress = cap.progressBox(t, source.name);
    show(progress.box);
    view = await cap.readCapture(source, { ...options, t, onProgress: progress.update, signal });
    if (signal.aborted) return null;
  }
  // The connection as a trace, built by the capture reader in Rust (docs/trace-format.md, "Captures").
  const trace = view.connection.trace;
  const title = t.capture.title(view.connection.client, view.connection.server);
  return {
    t,
    read: { key, view },
    trace,
    options: { ...options, capture: { title, info: cap.infoBox(view, trace, t), numbers: cap.numbersNote(trace, options, t) } },
    detail: { count: view.count, index: view.index, list: view.list },
  };
}

/** A packetdrill script played against the engine. Resolves to null when `signal` aborted it. */
export async function loadPacketdrill(host, t, display, signal) {
  const pd = await import("./packetdrill.js");
  const run = await pd.playScript(host, t, display, signal);
  if (signal.aborted) return null;
  pd.adoptStyles(host.shadowRoot);
  return run;
}

/** The attributes a capture uses; the scenario's own (handshake, seed, ISNs, compare) are ignored. */
function readCaptureOptions(host, t, readDisplay, readStart) {
  const { numbers, speed } = readDisplay(host, t);
  const conn = host.getAttribute("connection");
  if (conn !== null && !/^\s*[1-9]\d{0,8}\s*$/.test(conn)) throw new Error(t.capture.errors.connection(conn));
  const limit = host.getAttribute("capture-limit");
  if (limit !== null && (!/^\s*[1-9]\d{0,4}\s*$/.test(limit) || Number(limit) > 4096)) throw new Error(t.capture.errors.limit(limit));
  return { numbers, speed, start: readStart(host, t), connection: conn === null ? null : Number(conn), maxBytes: Number(limit ?? 1024) * 2 ** 20 };
}
