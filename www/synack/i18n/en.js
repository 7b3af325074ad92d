// English: every sentence <synack-viz> shows. The engine's trace carries keys
// (reason_key, fact keys, scenario ids), never prose; the words live here and in
// the other language modules, table for table. tests/tests/i18n_keys.rs checks
// that each table names every key the engine can produce.

export const lang = "en";

/** Labels of the element's own chrome. */
export const ui = {
  loading: "Loading the TCP engine…",
  playback: "Playback",
  settings: "Settings",
  restart: "Restart",
  replay: "Replay my losses",
  replayTitle: "Back to the start, keeping the segments you made lose (Restart forgets them)",
  back: "Step back",
  play: "Play",
  pause: "Pause",
  step: "Step forward",
  keys: "Space plays or pauses; the left and right arrow keys step back and forward",
  timeline: "Timeline",
  stepOf: (k, n) => `Step ${k} of ${n}`,
  speed: "Speed",
  handshake: "Handshake",
  numbers: "Numbers",
  relative: "relative",
  absolute: "absolute",
  symbolic: "x, y (textbook)",
  scenario: "Scenario",
  isn: (side) => `ISN ${side}`,
  isnLabel: (side) => `Initial sequence number of the ${side}`,
  newIsns: "New ISNs",
  newIsnsTitle: "New random ISNs",
  client: "Client",
  server: "Server",
  clientWord: "client",
  serverWord: "server",
  eventLog: "Event log",
  table: "Trace as a table",
  tableCaption: (title) => `${title}: every event, in order`,
  colTime: "Time",
  colEvent: "Event, and why",
  cite: (rfc) => ` (${rfc})`,
  begin: (text) => `${/[.?!]$/.test(text) ? text : `${text}.`} Press step or play to begin.`,
  means: (state, text) => `${state}: ${text}.`,
  end: (client, server) => `End: client ${client}, server ${server}. `,
  // An ISN is named only if that side sent a SYN (null: it never did).
  relativeNote: (c, s) => (c !== null && s !== null ? `relative numbers (ISNs ${c} and ${s})` : `relative numbers (ISN ${c ?? s})`),
  absoluteNote: "absolute numbers",
  symbolicNote: (c, s) => (s !== null ? `x = client's ISN ${c}, y = server's ISN ${s}` : `x = client's ISN ${c}`),
  key: "Key: arrows and states",
  diagram: (title) => `${title}: ladder diagram of segments between client and server`,
  // The name and the hover title of a segment in flight: one text, so the two agree.
  inspect: (id, flags) => `Segment #${id} (${flags}): show its TCP header`,
  lose: (id, flags) => `Lose segment #${id} (${flags}) in the network, and see how TCP recovers`,
  segment: (flags, id, words) => `${flags} #${id}${words ? ` (${words})` : ""}`,
  seconds: (s) => `${s} s`,
  later: (gap) => `… ${gap} later`,
  copyOf: (copy, id) => `#${copy} copy of #${id}`,
  share: "Share and export",
  copyLink: "Copy link",
  exportSvg: "SVG",
  exportPng: "PNG",
  copyMermaid: "Copy Mermaid",
  exportSvgTitle: "Download the diagram as an SVG file",
  exportPngTitle: "Download the diagram as a PNG image",
  copyMermaidTitle: "Copy the diagram as Mermaid sequence-diagram text",
  nothingToExport: "There is no diagram to export.",
  copied: "Copied.",
  downloaded: (file) => `Saved ${file}.`,
  copyFailed: "Could not copy; select the text below instead.",
  errorPrefix: "synack: ",
  analogy: "As a conversation",
};

export const modes = {
  "two-way": "Two-way handshake",
  "three-way": "Three-way handshake",
  "four-way": "Four-way handshake",
};

/** What each RFC 9293 state means (§3.3.2), for badges and the text table. */
export const states = {
  "CLOSED": "no connection at all",
  "LISTEN": "waiting for a connection request",
  "SYN-SENT": "sent a SYN, waiting for a matching SYN and its acknowledgment",
  "SYN-RECEIVED": "got a SYN and answered it, waiting for the acknowledgment of its own SYN",
  "ESTABLISHED": "open: data can flow both ways",
  "FIN-WAIT-1": "sent its FIN, waiting for it to be acknowledged or for the peer's FIN",
  "FIN-WAIT-2": "its FIN is acknowledged, waiting for the peer's FIN",
  "CLOSE-WAIT": "the peer has finished sending, waiting for its own application to close",
  "CLOSING": "both FINs crossed, waiting for its FIN to be acknowledged",
  "LAST-ACK": "sent its FIN after the peer's, waiting for the last acknowledgment",
  "TIME-WAIT": "waiting (2×MSL in the RFC, 60 s on Linux) so that old segments die out and a lost last ACK can be repeated",
};

/** One sentence per engine reason, keyed by `reason_key`: word for word the text in
 * crates/synack-core/src/reason.rs (tests/tests/english.rs checks it). */
export const reasons = {
  "app-listen": "The application opened a listening socket (passive OPEN).",
  "app-connect": "The application called connect (active OPEN): it sends a SYN carrying its initial sequence number.",
  "app-close": "The application closed its side: a FIN follows the data already queued.",
  "listener-remains": "That connection is deleted, but the listening socket it was accepted from was never closed: it is still in LISTEN, and the next SYN starts a new connection.",
  "syn-in-listen": "A SYN reached a listening socket: the server records the client's ISN and answers SYN,ACK with its own ISN.",
  "syn-ack-received": "The peer acknowledged our SYN and sent its own: the connection is established.",
  "handshake-ack": "The third segment acknowledges the server's SYN, confirming that this connection is the one the client asked for.",
  "handshake-acked": "The ACK acknowledges our SYN: the handshake is complete.",
  "data": "Application data, sent as soon as the connection and the peer's window allow.",
  "ack": "Acknowledge what arrived: ACK = the next sequence number expected.",
  "fin": "FIN: this side has no more data to send. It occupies one sequence number.",
  "fin-acked": "Our FIN is acknowledged.",
  "fin-received": "The peer's FIN arrived: it will send no more, but this side may still send.",
  "fin-received-fin-wait-2": "The peer's FIN arrived after ours was acknowledged: acknowledge it and wait in TIME-WAIT.",
  "last-ack-acked": "The last ACK acknowledges our FIN: the connection is closed.",
  "time-wait-expired": "TIME-WAIT is over (2×MSL in the RFC, a fixed 60 s on Linux): old segments of this connection have had time to die out.",
};

/** What a reader should take away at the end, keyed by the outcome's fact keys: word
 * for word `Fact::text` in crates/synack-core/src/trace.rs (tests/tests/english.rs). */
export const facts = {
  "established": "Both sides are ESTABLISHED on the same connection.",
  "closed": "Both sides closed the connection cleanly.",
};

/** Each catalogue scenario's title and summary, keyed by its id: word for word the
 * table in crates/synack-core/src/catalogue.rs (tests/tests/english.rs). */
export const scenarios = {
  "three-way-handshake": ["Three-way handshake", "SYN, SYN,ACK, ACK: each side sends its initial sequence number and sees it acknowledged."],
  "four-way-teardown": ["Four-way teardown", "Each direction is closed on its own: FIN and ACK one way, then FIN and ACK the other. The side that closed first waits in TIME-WAIT."],
  "full-lifecycle": ["A whole connection", "Handshake, an HTTP request and its response, and the close."],
  "old-duplicate-syn": ["An old duplicate SYN", "A SYN from an earlier connection arrives late. With three segments the server commits only once its own ISN is acknowledged, so the stale SYN costs it a half-finished entry at most; with two, it hands its application a connection nobody asked for."],
  "four-way-handshake": ["Why not four segments?", "The server acknowledges the SYN and sends its own SYN in separate segments: it works, but the two can always travel together."],
  "syn-lost": ["The SYN is lost", "No answer comes, so the client's retransmission timer (1 s at first) sends the SYN again, with the same ISN."],
  "syn-ack-lost": ["The SYN,ACK is lost", "The client sends its SYN again; the server sees the repeat and answers SYN,ACK again."],
  "final-ack-lost": ["The last ACK is lost: why TIME-WAIT exists", "The server never hears that its FIN arrived and sends it again. The client, still in TIME-WAIT, can acknowledge it once more."],
  "simultaneous-open": ["Simultaneous open", "Both sides send a SYN at the same moment. Both pass through SYN-RECEIVED and end up with one connection."],
  "simultaneous-close": ["Simultaneous close", "Both FINs cross in flight: both sides go through CLOSING, and both wait in TIME-WAIT."],
  "three-segment-teardown": ["Teardown in three segments", "As Linux usually closes: the ACK of the first FIN is delayed, and rides on the second FIN."],
  "half-close": ["Half-close", "The client finishes sending and shuts down its side; the server keeps sending until it is done too."],
  "connection-refused": ["Connection refused", "Nothing listens on the port: the SYN is answered with RST,ACK."],
  "half-open": ["Half-open connection discovery", "The client crashes and reconnects; the server still holds the old connection, challenges the new SYN, and the client's RST clears it."],
  "connect-timeout": ["Connection timeout", "A firewall silently drops every SYN: the client retries with doubling timeouts (1, 2, 4, 8 s) and gives up after 15 s, because this scenario allows only 3 retries. Real stacks try far longer: Linux about 2 minutes, RFC 9293 at least 3."],
  "time-wait-new-syn": ["A new SYN meets TIME-WAIT"],
  "keepalive": ["Keep-alive finds a dead peer"],
  "fin-wait-2-timeout": ["An orphaned FIN-WAIT-2 times out"],
  "zero-window": ["A zero window"],
  "fast-open": ["Fast Open"],
  "close-with-unread-data": ["Closing with unread data"],
  "syn-flood": ["A SYN flood"],
  "syn-cookies": ["SYN cookies"],
  "accept-queue-full": ["The accept queue is full"],
};

/** A scenario that is not from the catalogue (an inline one) keeps its own title. */
export const customTitle = "A custom scenario";

/** The error an application call meets in the wrong state (RFC 9293 §3.10). */
export const appErrors = {
  "error: connection already exists": "error: connection already exists",
  "error: connection does not exist": "error: connection does not exist",
  "error: connection closing": "error: connection closing",
};

/** Words beside a lifeline (timers, calls, ignored segments). */
export const marks = {
  call: (name) => `${name}()`,
  crash: "host crashes",
  reset: "reset",
  refused: "refused",
  "timed-out": "timed out",
  error: "error",
  retransmission: "RTO expires",
  "time-wait": "TIME-WAIT over",
  "fin-wait-2": "tcp_fin_timeout",
  "delayed-ack": "ACK timer",
  ignores: (id) => `ignores #${id}`,
  takes: (id) => `takes #${id}`,
};

/** The narration's sentences. `who` is "The client" or "The server"; `why` is a reason with its RFC section, or "". */
export const who = { client: "The client", server: "The server" };
const poss = (w) => `${w}'s`;

export const say = {
  why: (text, rfc) => ` ${text}${rfc ? ` (${rfc})` : ""}`,
  join: (parts) => parts.join(" "),
  send: (w, seg, why) => `${w} sends ${seg}.${why}`,
  sendStale: (w, seg, why) => `${w} sends ${seg}: an old duplicate.${why}`,
  sendAgain: (w, seg, why) => `${w} sends ${seg} again.${why}`,
  deliver: (flags, id, side) => `${flags} #${id} reaches the ${side}.`,
  lost: (id) => `The network loses #${id}.`,
  lostScripted: (id) => `#${id} is lost in the network.`,
  duplicate: (id, copy) => `The network duplicates #${id}; the copy is #${copy}.`,
  state: (w, from, to, why) => `${w}: ${from} → ${to}.${why}`,
  discard: (w, id, why) => `${w} drops #${id}.${why}`,
  accept: (w, id, why) => `${w} takes #${id}.${why}`,
  timer: (w, timer) => `${poss(w)} ${timer} timer fires.`,
  timerName: { retransmission: "retransmission", "time-wait": "time wait", "delayed-ack": "delayed ack", "fin-wait-2": "FIN-WAIT-2", keepalive: "keep-alive" },
  appSend: (w, len, text) => `${poss(w)} application sends ${len} bytes${text ? `: “${text}”` : ""}.`,
  appCall: (w, name) => `${poss(w)} application calls ${name}().`,
  crash: (w) => `${poss(w)} host crashes (no call, no segment: the machine just stops).`,
  received: (w, len) => `${poss(w)} application reads ${len} bytes.`,
  "peer-closed": (w) => `${poss(w)} application sees the end of the peer's data.`,
  reset: (w) => `${poss(w)} application is told: connection reset.`,
  refused: (w) => `${poss(w)} application is told: connection refused.`,
  "timed-out": (w) => `${poss(w)} application is told: connection timed out.`,
  error: (w, message) => `${poss(w)} call fails: ${message}.`,
};
