// The strings of a recorded connection (<synack-viz capture="…">), in a chunk of
// their own: only a page that shows a capture fetches them (i18n.js, captureStrings).

/** A recorded connection (<synack-viz capture="…">, the page's file picker). */
export const capture = {
  title: (client, server) => `Capture: ${client} → ${server}`,
  which: (n, count, client, server) => `Connection ${n} of ${count}: client ${client}, server ${server}.`,
  window: (shown, total) => `Only the first ${shown} of this connection's ${total} segments are drawn; the other ${total - shown} are not shown.`,
  slant: (rttMs) => `Times are when the capture saw each segment. Arrows slant by half the round trip measured in the handshake (${rttMs} ms, from the answered SYN to the ACK that completed it); when each segment arrived is inferred, as are the states.`,
  slantNominal: "Times are when the capture saw each segment. The capture has no complete handshake to measure a round trip from, so the arrows' slant is nominal; arrivals and states are inferred.",
  notes: (n) => `What the reader noted (${n})`,
  begin: "A recorded connection: the segments as the capture saw them, and both sides' states as synack infers them from what each side sent.",
  end: (client, server) => `After the last segment shown: client ${client}, server ${server} (inferred). `,
  reading: (name, done, total) => `Reading ${name}: ${done} MB${total === null ? "" : ` of ${total} MB`}…`,
  relativeNote: "relative numbers, as Wireshark shows them",
  progressLabel: "Capture read so far",
  say: {
    send: (w, seg, frame) => `The capture shows ${w.toLowerCase()} sending ${seg} (frame ${frame}).`,
    sendAgain: (w, seg, frame) => `The capture shows ${w.toLowerCase()} sending ${seg} again: a retransmission (frame ${frame}).`,
    deliver: (flags, id, side) => `${flags} #${id} reaches the ${side} (inferred).`,
    lost: (id) => `#${id} never reached its receiver, judging by what followed.`,
    state: (w, from, to, why) => `${w}: ${from} → ${to} (inferred).${why}`,
  },
  errors: {
    empty: (name) => `${name} is empty; expected a pcap or pcapng capture.`,
    notCapture: (name) => `${name} is not a pcap or pcapng capture.`,
    truncated: (name, at) => `${name} is truncated: it ends inside a record that starts at byte ${at}.`,
    malformed: (name, detail) => `${name} is not a capture synack can read: ${detail}.`,
    tooLarge: (name, mib) => `${name} is larger than ${mib} MiB, the most this page reads.`,
    noTcp: (name, frames) => frames === 0 ? `${name} holds no packets.` : `${name} holds no TCP segment among its ${frames} packets.`,
    noConnection: (count) => `There is no such connection: the capture holds ${count} (connection="1" to "${count}").`,
    connection: (v) => `connection="${v}" must be a whole number from 1`,
    limit: (v) => `capture-limit="${v}" must be a whole number of MiB from 1 to 4096`,
    http: (name, status) => `Could not fetch ${name}: the server answered ${status}.`,
    fetch: (name, message) => `Could not fetch ${name}: ${message}.`,
    crashed: (name) => `The capture reader stopped on an internal error while reading ${name}: a bug in synack, or more than this page's memory allows (the browser console has the details).`,
    worker: (message) => `Could not start the capture reader (${message}). Captures need the synack/ folder build, not the one-file synack-embed.js.`,
    other: (message) => `Could not read the capture: ${message}.`,
  },
};
