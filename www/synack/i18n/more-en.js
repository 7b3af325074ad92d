// What only some diagrams need, in English (i18n.js, withMore): the rarer reasons
// and outcome facts, loaded when a trace names one that en.js does not hold, and
// a comparison's words. A page showing the handshake or the teardown downloads
// none of it.

export const reasons = {
  "app-close-early": "The application closed before the connection was synchronized: the connection is simply deleted.",
  "app-abort": "The application aborted the connection: a RST tells the peer, and all state is discarded.",
  "crash": "The host crashed: it lost every record of the connection without telling the peer.",
  "two-way-commit": "Two-way handshake (a counterfactual, not TCP): the server treats the connection as open the moment it answers; nothing will ever confirm that the client wanted it.",
  "four-way-ack": "Four-way variant: the server acknowledges the SYN on its own and sends its SYN separately.",
  "four-way-syn": "Four-way variant: the server's own SYN, sent in a segment of its own.",
  "four-way-syn-acked": "Four-way variant: our SYN is acknowledged; the client still waits for the server's SYN.",
  "simultaneous-open": "A SYN arrived while our own SYN was unanswered (simultaneous open): answer SYN,ACK and wait for our SYN to be acknowledged.",
  "simultaneous-syn-ack": "The peer's SYN,ACK acknowledges our SYN: established. Its SYN is one we already had, so it is acknowledged again.",
  "syn-ack-resent": "The client's SYN came again: our SYN,ACK may have been lost (or the network duplicated the SYN), so send it again now.",
  "rst-closed-port": "No connection exists here, and the segment had no ACK bit: it is answered with <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.",
  "rst-closed-port-ack": "No connection exists here, and the segment carried an ACK: the reset takes its sequence number from it, <SEQ=SEG.ACK><CTL=RST>.",
  "rst-bad-ack": "This ACK does not acknowledge our SYN (it answers a SYN we never sent, or belongs to an older connection): reject it with <SEQ=SEG.ACK><CTL=RST>.",
  "rst-ack-in-listen": "A listening socket expects a SYN, not an acknowledgment: it answers with <SEQ=SEG.ACK><CTL=RST>.",
  "rst-data-after-close": "New data arrived after the application closed its socket: nobody will read it, so the connection is reset, with <SEQ=SEG.ACK><CTL=RST> as Linux sends it.",
  "refused": "A RST acknowledging our SYN: connection refused.",
  "reset-to-listen": "A reset in SYN-RECEIVED: this connection, still being opened, came from LISTEN, so it goes back to LISTEN.",
  "reset-received": "A RST with exactly the expected sequence number: the connection is reset.",
  "challenge-ack": "A SYN in a synchronized connection: reply with a challenge ACK instead of believing it; a peer that really restarted answers it with a RST.",
  "challenge-ack-rst": "A RST inside the window but not exactly at the next expected number: reply with a challenge ACK instead of believing it.",
  "syn-in-syn-received": "A new SYN in SYN-RECEIVED: a passive connection returns to LISTEN.",
  "delayed-ack": "The delayed-ACK timer expired with nothing to piggyback the acknowledgment on.",
  "unacceptable": "The segment lies outside the receive window (a duplicate or a stray): drop it and send an ACK saying what we expect.",
  "out-of-order": "The segment starts beyond the next expected byte: this engine does not queue it; a duplicate ACK asks for the gap.",
  "ack-of-unsent": "This ACK acknowledges data we never sent: drop it and send an ACK.",
  "bad-ack-syn-received": "In SYN-RECEIVED this ACK does not acknowledge our SYN: reject it with a reset.",
  "fin-and-ack-received": "The peer's FIN also acknowledges our FIN: straight from FIN-WAIT-1 to TIME-WAIT.",
  "simultaneous-close": "The peer's FIN crossed ours (it does not acknowledge our FIN): simultaneous close, CLOSING.",
  "closing-acked": "Our FIN is acknowledged in CLOSING: wait in TIME-WAIT.",
  "time-wait-reack": "A retransmitted FIN in TIME-WAIT: our last ACK was lost, so acknowledge again and restart the TIME-WAIT timer.",
  "fin-wait-2-timeout": "The application closed its socket long ago and the peer never sent its FIN: Linux drops the connection from FIN-WAIT-2 without telling the peer.",
  "time-wait-skipped": "Counterfactual: no TIME-WAIT. This side forgets the connection as soon as its last ACK is sent; if that ACK is lost, the peer's FIN sent again meets a closed port.",
  "retransmission": "The retransmission timer expired before an acknowledgment: send the earliest unacknowledged segment again, with the same sequence number, and double the timeout.",
  "retransmission-limit": "Too many retransmissions went without the acknowledgment they waited for (any answers acknowledged something else): the connection is given up and the application told it timed out.",
  "handshake-timeout-listen": "The handshake never completed: the SYN-RECEIVED entry is dropped, the application never hears of it, and the socket keeps listening.",
  "ignored-rst": "A RST that does not match this connection is ignored.",
  "ignored": "Nothing in this segment applies in the current state: it is dropped.",
  "no-ack-bit": "A segment without the ACK bit in a synchronized state is dropped.",
  "two-way-ignored": "Two-way handshake (a counterfactual): the client did not ask for this answer (it acknowledges another ISN), so it silently ignores it.",
  "client-silent": "The client says nothing about an answer to a SYN it never sent (the rule chosen here, as if it had crashed or its reset were lost; TCP itself would reset it).",
  "duplicate-ack": "This ACK acknowledges nothing new.",
  "stale-duplicate": "An old duplicate from an earlier incarnation of the connection, delayed in the network, is released now.",
  "script-segment": "The script's remote sends this segment exactly as its `<` line writes it; no TCP endpoint computed it.",
  "syn-queued": "A SYN from another peer reached the listening socket: a small SYN-queue entry (a half-open, SYN-RECEIVED connection) remembers it and answers SYN,ACK, while the listening socket itself stays in LISTEN.",
  "syn-queue-full": "The SYN queue is full (it holds backlog + 1 half-open entries) and SYN cookies are off: the SYN is dropped without any answer, and its sender can only retry.",
  "accept-queue-full": "The accept queue is full (backlog + 1 connections wait for accept()): Linux drops this SYN without any answer, neither SYN,ACK nor RST.",
  "accept-queue-full-ack": "The ACK completes the handshake, but the accept queue is full: with tcp_abort_on_overflow=0 Linux drops the ACK and keeps the SYN-RECEIVED entry, whose timer sends the SYN,ACK again. The client already believes it is ESTABLISHED.",
  "accept-queued": "The ACK completes a queued handshake: the connection leaves the SYN queue for the accept queue, where it waits for the application's accept().",
  "app-accept": "The application called accept(): it takes the oldest connection from the accept queue, which frees a place in it.",
  "syn-queue-expired": "The SYN,ACK went out tcp_synack_retries times more without an answer: the SYN-queue entry is dropped, and its place is free again.",
  "syn-queue-reset": "A RST for a half-open SYN-queue entry: the entry is removed, and the listening socket goes on listening.",
  "syn-cookie": "The SYN queue is full, so the server answers with a SYN cookie: its ISN encodes the client's MSS, a minute counter and a keyed hash of the addresses and ports, and the server keeps no record of this SYN at all.",
  "syn-cookie-ack": "This ACK acknowledges a SYN cookie: ACK − 1 decodes to a recent counter and a valid MSS, so the server rebuilds the connection from the ACK alone, straight from LISTEN to ESTABLISHED.",
  "other-peer": "A segment from another host, not one of the two endpoints drawn here: another client of the same server, or a forged source address that will never answer.",
  "forged": "Forged: an attacker elsewhere sends this with the client's address and port as its source. The server's answers go to the real client, never to the attacker, so the attacker must guess the server's ISN to acknowledge it.",
  "rst-unread-data": "The application closed its socket with received bytes still unread: they would be lost without a word, so a RST (with the ACK bit, as Linux sends it) replaces the FIN, and the connection is gone at once.",
  "keepalive-probe": "The connection has been idle for the keep-alive time: a probe, <SEQ=SND.UNA-1><ACK=RCV.NXT> with no data, asks the peer for an ACK; a live peer answers it, since the byte before SND.UNA is one it already has.",
  "keepalive-timeout": "No answer to any keep-alive probe: the peer is taken for dead, the connection is reset (Linux sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>) and the application is told it timed out.",
  "time-wait-new-syn": "A new SYN reached a connection in TIME-WAIT, its sequence number and timestamp beyond anything of the old connection: it cannot be an old duplicate, so TIME-WAIT ends early and the listener takes the SYN as a new connection (Linux starts its ISN at the old SND.NXT + 65537).",
  "zero-window-probe": "The peer's window is zero and data is waiting: the persist timer sends a probe, so that the peer's answer carries its window (its window update could be lost, and nothing else would ever ask); the wait doubles after each probe, and probing never gives up while the peer answers.",
  "window-still-zero": "The answer to the probe says the window is still zero: nothing may be sent yet, and the persist timer waits twice as long before it probes again.",
  "window-update": "The application read what was waiting, so the receive window opens again: an ACK tells the sender at once (the window grew by at least min(buffer/2, MSS)).",
  "fast-open-cookie-request": "The application called sendto() with MSG_FASTOPEN, to connect and send in one call, but no Fast Open cookie for this server is cached: the SYN carries an empty Fast Open option, a request for one, and the data waits for the handshake.",
  "fast-open-cookie": "The SYN asks for a Fast Open cookie: the SYN,ACK carries one, a hash of the client's address under a key only this server knows (8 bytes on Linux). The server stores nothing: it checks a cookie that comes back by computing it again.",
  "fast-open-cookie-cached": "The SYN,ACK acknowledges our SYN and carries a Fast Open cookie: the client's host caches it for this server, for its later connections. This handshake completes as usual.",
  "fast-open-syn-data": "sendto() with MSG_FASTOPEN, and a cookie for this server is cached: the SYN carries the cookie and the data itself, so the request does not wait for the handshake.",
  "fast-open-accepted": "The SYN brings back a valid cookie: its data goes to the application at once, in SYN-RECEIVED, and the SYN,ACK acknowledges it (the client's ISN + 1 + the data's length). The server may answer before the handshake's last ACK arrives.",
  "fast-open-cookie-invalid": "The SYN's cookie does not check (the server's key has changed since, or the cookie is forged): its data is dropped, and the SYN,ACK acknowledges only the SYN and carries a valid cookie. The handshake goes on as a plain one.",
  "fast-open-data-acked": "The SYN,ACK acknowledges our SYN and the data in it: the request was delivered within the first round trip. The handshake completes.",
  "fast-open-data-resent": "The SYN,ACK acknowledges our SYN but not the data it carried (the server refused the cookie, or had only a SYN sent again without data): the connection is established, and the data goes again at once, carrying the ACK.",
};

export const facts = {
  "server-holds-unwanted-connection": "The server holds an ESTABLISHED connection that no client asked for: its resources stay tied up.",
  "server-holds-forged-connection": "The server holds an ESTABLISHED connection that the client never opened: an attacker made it by guessing the server's ISN, and the server's application took the attacker's bytes as the client's.",
  "server-holds-half-open-connection": "The server still holds an ESTABLISHED connection whose client is gone (half-open): it will not notice until it sends something.",
  "stale-connection-rejected": "The client reset the connection it had not asked for; the server, not yet committed to it, went back to LISTEN, and its application never heard of it.",
  "server-accepted-unwanted-connection": "The server handed its application a connection that no client asked for, before anything confirmed its own ISN; the client's reset then took it away.",
  "unconfirmed-connection-dropped": "The server dropped a half-finished connection (SYN-RECEIVED) that nothing had confirmed: its application never heard of it.",
  "timed-out": "The connection was given up: its retransmissions never got the acknowledgment they waited for.",
  "refused": "The connection was refused with a reset.",
  "reset": "The connection was reset.",
  "client-locked-out": "The diagram stops here, but nothing would change: each SYN the client sends again meets the stale connection, so it retries until it gives up.",
  "truncated": "The run stopped at its time or event limit.",
  "keepalive-gave-up": "No keep-alive probe was answered, so the side took its silent peer for dead and gave the connection up (RFC 1122 §4.2.3.6): without keep-alive it would have waited for ever.",
  "fin-wait-2-dropped": "A closed socket waited in FIN-WAIT-2 for the peer's FIN and was dropped after Linux's tcp_fin_timeout (60 s); the RFC's state machine would have waited for ever.",
  "syn-queue-overflowed": "The listener's SYN queue was full, so SYNs were dropped without any answer (Linux counts them as ListenDrops); their sender could only retry.",
  "syn-cookie-connection": "The connection was rebuilt from a SYN cookie (RFC 4987 §3.6): between its SYN,ACK and the client's ACK the server kept no state at all.",
  "accept-queue-overflowed": "The accept queue was full, so the server dropped segments of a finished handshake (Linux ListenOverflows) while the client already believed it was ESTABLISHED.",
};

// A comparison's words (compare.js).
export const ui = {
  // A segment from or to a host the diagram does not draw, by its port (and an
  // attacker's, which forges the client's port).
  fromPort: (port, key) => `${key === "forged" ? "forged, " : ""}from port ${port}`,
  toPort: (port) => `to port ${port}`,
  diagrams: "The two diagrams",
  sameNetwork: "same network",
  unchanged: "Nothing new in this diagram at this step; as before:",
  // The comparison's one assumption, and the switch beside it.
  assume: {
    ignore: "Assumed: the client says nothing about an answer to a SYN it never sent, as if it had crashed (TCP would reset it).",
    reset: "Assumed: the client resets an answer to a SYN it never sent, as TCP does (RFC 9293 §3.10.7.3).",
  },
  // A comparison of two variants of one scenario: each diagram's heading, and the line above them.
  variants: {
    linux: ["Linux's defaults", "RFC 9293"],
    "no-time-wait": ["Without TIME-WAIT (counterfactual)", "With TIME-WAIT"],
    abort: ["abort(): a reset", "close(): a FIN"],
    "isn-clock": ["ISN from the clock alone (RFC 793)", "Clock plus a keyed hash (RFC 6528)"],
  },
  differs: {
    linux: "Left, both sides with Linux's defaults (options in the SYN, delayed ACKs, a 200 ms minimum RTO, a fixed 60 s TIME-WAIT); right, the RFC's.",
    "no-time-wait": "Left, the side that closes first forgets the connection as soon as its last ACK is sent, which no TCP does; right, it waits in TIME-WAIT (RFC 9293 §3.10.8).",
    abort: "Left, the application aborts where it would close: a RST, and whatever was unsent or unread is lost (RFC 9293 §3.10.5); right, close() sends a FIN.",
    "isn-clock": "Left, every ISN is the 4 µs clock alone, as RFC 793 had it, so the ISN one connection gets foretells the next; right, RFC 6528 adds a keyed hash of the addresses and ports to the clock, so that it does not.",
  },
  ruleLabel: "Client's rule",
  rule: { ignore: "says nothing", reset: "resets (TCP)" },
};

/** Marks beside a lifeline that only some stories have (layout.js). */
export const marks = {
  keepalive: "keep-alive timer",
  persist: "persist timer",
  // A listener's queue that changed: its length out of backlog + 1 places.
  synQueue: (n, places) => `SYN queue ${n}/${places}`,
  acceptQueue: (n, places) => `accept queue ${n}/${places}`,
};

/** Narration of what only some stories have (narrate.js). */
export const say = {
  noHost: (id) => `#${id} goes to a host not drawn here, and nothing in this diagram receives it.`,
  cut: (id) => `#${id} is lost: the path is cut, and nothing gets through any more.`,
};

/** The titles and summaries of the scenarios that run in the full engine (fetched
 * with their stories' sentences, and by the scenario menu when it is opened): word
 * for word the catalogue's (tests/tests/english.rs). */
export const scenarios = {
  "syn-flood": ["A SYN flood", "Forged SYNs from addresses that never answer fill the listener's SYN queue (listen backlog 2, so 3 entries; SYN cookies off). The real client's SYN finds no room and is dropped without a word; it retries until the forged entries expire, after the server has sent each SYN,ACK 5 more times (63 s), and only then connects."],
  "syn-cookies": ["SYN cookies", "The same flood with Linux's default tcp_syncookies=1: when the SYN queue is full, the server answers the real client with a SYN cookie, an ISN that encodes what it must remember, and keeps no state. The client's ACK brings the cookie back, and the server rebuilds the connection from it."],
  "accept-queue-full": ["The accept queue is full", "The application has not called accept(), and two other clients fill the accept queue (backlog 1, so 2 places). The client completes its handshake and believes it is ESTABLISHED, but the server drops its ACK and sends the SYN,ACK again (Linux tcp_abort_on_overflow=0) until accept() makes room."],
  "close-with-unread-data": ["Closing with unread data", "The server's application closes its socket without reading the request that arrived. Those bytes would be lost without a word, so instead of a FIN the server sends a RST (RFC 2525 §2.17, as Linux does): the client learns at once that the connection was reset, not closed."],
  "time-wait-new-syn": ["A new SYN meets TIME-WAIT", "The server closes first, so its side waits in TIME-WAIT (60 s on Linux). The client connects again at once, from the same port. Its SYN is beyond anything of the old connection (RFC 6191: a higher sequence number and timestamp), so it cannot be an old duplicate: TIME-WAIT ends early and the listener opens a new connection, with an ISN above the old one's."],
  "keepalive": ["Keep-alive finds a dead peer", "The client's host loses power after sending a request, and nothing more arrives from it. The server has keep-alive on (SO_KEEPALIVE; Linux's times: after 2 hours idle, a probe every 75 s, 9 probes): no probe is answered, so 2 hours and 11 minutes later the server resets the connection and tells its application it timed out."],
  "fin-wait-2-timeout": ["An orphaned FIN-WAIT-2 times out", "The client closes and the server acknowledges its FIN, but the server's application never closes. The RFC would leave the client in FIN-WAIT-2 for ever; Linux drops the orphaned socket after tcp_fin_timeout (60 s). When the server's application closes at last, at 90 s, its FIN finds no connection and is answered with a RST."],
  "zero-window": ["A zero window", "The server's application does not read, so its receive buffer (two segments, 2920 bytes) fills and it advertises a window of 0. The client stops sending, and its persist timer probes the closed window with one byte, waiting twice as long each time. When the application reads, 8 s later, the server's ACK opens the window and the rest follows."],
  "isn-choice": ["Why ISNs look random", "An attacker opens a connection of its own and reads the server's ISN, then forges a SYN from a trusted client that cannot answer (its link is flooded) and blindly sends the ACK and a command that would follow. Its guess is the ISN it saw plus the 4 µs clock's ticks since, which was right when the ISN was the clock alone (RFC 793). With RFC 6528's keyed hash of the addresses and ports added, one connection's ISN says nothing about another's: the guess misses and the server answers with a RST."],
  "fast-open": ["Fast Open", "The client connects twice with TCP Fast Open on (RFC 7413; Linux tcp_fastopen=3), each time with sendto(MSG_FASTOPEN). The first SYN asks for a cookie, the SYN,ACK brings one, and the request waits for the handshake as usual. After TIME-WAIT the second SYN carries the cached cookie and the request itself: the server checks the cookie, hands the request to its application at once and answers before the handshake ends, one round trip sooner."],
};

/** A bad attribute's message, and the engine's failures: fetched only when the
 * element has one to show (element.js, options.js `problem`). */
export const errors = {
  whole: (name, v, max) => `${name}="${v}" is not a whole number from 0 to ${max}`,
  numbers: (v) => `numbers="${v}" must be relative, symbolic or absolute`,
  speed: (v) => `speed="${v}" must be a number above 0 and at most 16`,
  compare: (v) => `compare="${v}" must be empty, two-way or four-way (set beside three-way), or linux, no-time-wait, abort or isn-clock (set beside the scenario as written)`,
  handshake: (v) => `handshake="${v}" must be two-way, three-way or four-way`,
  scenario: (v) => `scenario="${v}" is not in the catalogue`,
  theme: (v) => `theme="${v}" must be light, dark or auto`,
  narration: (v) => `narration="${v}" must be analogy or left out`,
  unexpectedAnswer: (v) => `unexpected-answer="${v}" must be ignore or reset`,
  start: (v) => `start="${v}" must be end or a step number`,
  engine: (message) => `could not load the engine: ${message}`,
  run: (message) => message,
  crashed: "The engine stopped on an internal error: a bug in synack (the browser console has the details).",
};
