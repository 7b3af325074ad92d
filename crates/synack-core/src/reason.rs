//! Why something happened: each state change, sent segment and discarded segment
//! carries a [`Reason`], with the RFC section it applies and an English sentence.
//!
//! The key is stable (front ends translate by key); the English text is the
//! reference rendering.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// A reason marked `[queues]` happens only with synack-core's `queues` feature;
/// without it, its key and source are left out of the build (it cannot occur).
/// One marked `#[cfg(feature = "queues")]` as well does not exist without it.
macro_rules! gated {
    (queues, $s:literal) => {
        if crate::QUEUES {
            $s
        } else {
            ""
        }
    };
    (, $s:literal) => {
        $s
    };
}

macro_rules! reasons {
    ($( $(#[$doc:meta])* $variant:ident $([$q:ident])? $(#[$only:meta])? => $key:literal, $rfc:literal, $text:literal; )*) => {
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum Reason {
            $( $(#[$doc])* $(#[$only])? $variant, )*
        }

        impl Reason {
            pub const ALL: &'static [Reason] = &[$( $(#[$only])? Reason::$variant ),*];

            /// A stable identifier, for translation tables.
            pub fn key(self) -> &'static str {
                const KEYS: &[&str] = &[$( $(#[$only])? gated!($($q)?, $key) ),*];
                KEYS[self as usize]
            }

            /// The rule's source: an RFC section, or the Linux behaviour it models.
            pub fn rfc(self) -> &'static str {
                const SOURCES: &[&str] = &[$( $(#[$only])? gated!($($q)?, $rfc) ),*];
                SOURCES[self as usize]
            }

            /// One English sentence.
            pub fn text(self) -> &'static str {
                match self { $( $(#[$only])? Reason::$variant => $text, )* }
            }
        }
    };
}

reasons! {
    // Application calls (RFC 9293 §3.10).
    AppListen => "app-listen", "RFC 9293 §3.10.1",
        "The application opened a listening socket (passive OPEN).";
    AppConnect => "app-connect", "RFC 9293 §3.10.1",
        "The application called connect (active OPEN): it sends a SYN carrying its initial sequence number.";
    AppClose => "app-close", "RFC 9293 §3.10.4",
        "The application closed its side: a FIN follows the data already queued.";
    AppCloseBeforeSynchronized => "app-close-early", "RFC 9293 §3.10.4",
        "The application closed before the connection was synchronized: the connection is simply deleted.";
    AppAbort => "app-abort", "RFC 9293 §3.10.5; RST,ACK as Linux sends it",
        "The application aborted the connection: a RST tells the peer, and all state is discarded.";
    Crash => "crash", "RFC 9293 §3.5.2",
        "The host crashed: it lost every record of the connection without telling the peer.";
    ListenerRemains => "listener-remains", "RFC 9293 §3.10.7.4",
        "That connection is deleted, but the listening socket it was accepted from was never closed: it is still in LISTEN, and the next SYN starts a new connection.";

    // Opening (RFC 9293 §3.5, §3.10.7.2, §3.10.7.3).
    SynInListen => "syn-in-listen", "RFC 9293 §3.10.7.2",
        "A SYN reached a listening socket: the server records the client's ISN and answers SYN,ACK with its own ISN.";
    TwoWayCommit => "two-way-commit", "RFC 9293 §3.5",
        "Two-way handshake (a counterfactual, not TCP): the server treats the connection as open the moment it answers; nothing will ever confirm that the client wanted it.";
    FourWayAck => "four-way-ack", "RFC 9293 §3.5",
        "Four-way variant: the server acknowledges the SYN on its own and sends its SYN separately.";
    FourWaySyn => "four-way-syn", "RFC 9293 §3.5",
        "Four-way variant: the server's own SYN, sent in a segment of its own.";
    FourWaySynAcked => "four-way-syn-acked", "RFC 9293 §3.5",
        "Four-way variant: our SYN is acknowledged; the client still waits for the server's SYN.";
    SynAckReceived => "syn-ack-received", "RFC 9293 §3.10.7.3",
        "The peer acknowledged our SYN and sent its own: the connection is established.";
    HandshakeAck => "handshake-ack", "RFC 9293 §3.10.7.3",
        "The third segment acknowledges the server's SYN, confirming that this connection is the one the client asked for.";
    SimultaneousOpen => "simultaneous-open", "RFC 9293 §3.10.7.3, Fig. 7",
        "A SYN arrived while our own SYN was unanswered (simultaneous open): answer SYN,ACK and wait for our SYN to be acknowledged.";
    HandshakeAcked => "handshake-acked", "RFC 9293 §3.10.7.4",
        "The ACK acknowledges our SYN: the handshake is complete.";
    SimultaneousSynAck => "simultaneous-syn-ack", "RFC 9293 §3.10.7.4, Fig. 7; Linux tcp_validate_incoming",
        "The peer's SYN,ACK acknowledges our SYN: established. Its SYN is one we already had, so it is acknowledged again.";
    SynAckResent => "syn-ack-resent", "Linux tcp_check_req; RFC 9293 §3.10.7.4",
        "The client's SYN came again: our SYN,ACK may have been lost (or the network duplicated the SYN), so send it again now.";

    // Resets (RFC 9293 §3.5.2, §3.10.7).
    RstClosedPort => "rst-closed-port", "RFC 9293 §3.10.7.1",
        "No connection exists here, and the segment had no ACK bit: it is answered with <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.";
    RstClosedPortAck => "rst-closed-port-ack", "RFC 9293 §3.10.7.1",
        "No connection exists here, and the segment carried an ACK: the reset takes its sequence number from it, <SEQ=SEG.ACK><CTL=RST>.";
    RstBadAck => "rst-bad-ack", "RFC 9293 §3.5.2, §3.10.7.3",
        "This ACK does not acknowledge our SYN (it answers a SYN we never sent, or belongs to an older connection): reject it with <SEQ=SEG.ACK><CTL=RST>.";
    RstAckInListen => "rst-ack-in-listen", "RFC 9293 §3.10.7.2",
        "A listening socket expects a SYN, not an acknowledgment: it answers with <SEQ=SEG.ACK><CTL=RST>.";
    RstDataAfterClose => "rst-data-after-close", "RFC 1122 §4.2.2.13; Linux tcp_rcv_state_process, tcp_v4_send_reset",
        "New data arrived after the application closed its socket: nobody will read it, so the connection is reset, with <SEQ=SEG.ACK><CTL=RST> as Linux sends it.";
    RefusedByReset => "refused", "RFC 9293 §3.10.7.3",
        "A RST acknowledging our SYN: connection refused.";
    ResetReturnsToListen => "reset-to-listen", "RFC 9293 §3.10.7.4, Fig. 8",
        "A reset in SYN-RECEIVED: this connection, still being opened, came from LISTEN, so it goes back to LISTEN.";
    ResetReceived => "reset-received", "RFC 9293 §3.10.7.4 (RFC 5961 §3)",
        "A RST with exactly the expected sequence number: the connection is reset.";
    ChallengeAck => "challenge-ack", "RFC 9293 §3.10.7.4 (RFC 5961 §4.2)",
        "A SYN in a synchronized connection: reply with a challenge ACK instead of believing it; a peer that really restarted answers it with a RST.";
    ChallengeAckRst => "challenge-ack-rst", "RFC 9293 §3.10.7.4 (RFC 5961 §3.2)",
        "A RST inside the window but not exactly at the next expected number: reply with a challenge ACK instead of believing it.";
    SynInSynReceived => "syn-in-syn-received", "RFC 9293 §3.10.7.4",
        "A new SYN in SYN-RECEIVED: a passive connection returns to LISTEN.";

    // Data and acknowledgments (RFC 9293 §3.10.2, §3.10.7.4).
    Data => "data", "RFC 9293 §3.10.2",
        "Application data, sent as soon as the connection and the peer's window allow.";
    Ack => "ack", "RFC 9293 §3.10.7.4",
        "Acknowledge what arrived: ACK = the next sequence number expected.";
    DelayedAck => "delayed-ack", "RFC 9293 §3.8.6.3 (RFC 1122 §4.2.3.2)",
        "The delayed-ACK timer expired with nothing to piggyback the acknowledgment on.";
    UnacceptableSegment => "unacceptable", "RFC 9293 §3.10.7.4",
        "The segment lies outside the receive window (a duplicate or a stray): drop it and send an ACK saying what we expect.";
    OutOfOrder => "out-of-order", "RFC 9293 §3.10.7.4",
        "The segment starts beyond the next expected byte: this engine does not queue it; a duplicate ACK asks for the gap.";
    AckOfUnsent => "ack-of-unsent", "RFC 9293 §3.10.7.4",
        "This ACK acknowledges data we never sent: drop it and send an ACK.";
    BadAckInSynReceived => "bad-ack-syn-received", "RFC 9293 §3.10.7.4",
        "In SYN-RECEIVED this ACK does not acknowledge our SYN: reject it with a reset.";

    RstUnreadData [queues] => "rst-unread-data", "RFC 9293 §3.10.4; RFC 2525 §2.17; Linux tcp_close",
        "The application closed its socket with received bytes still unread: they would be lost without a word, so a RST (with the ACK bit, as Linux sends it) replaces the FIN, and the connection is gone at once.";

    KeepaliveProbe [queues] => "keepalive-probe", "RFC 1122 §4.2.3.6; Linux tcp_keepalive_timer, tcp_write_wakeup",
        "The connection has been idle for the keep-alive time: a probe, <SEQ=SND.UNA-1><ACK=RCV.NXT> with no data, asks the peer for an ACK; a live peer answers it, since the byte before SND.UNA is one it already has.";
    KeepaliveTimeout [queues] => "keepalive-timeout", "RFC 1122 §4.2.3.6; Linux tcp_keepalive_timer (tcp_keepalive_probes)",
        "No answer to any keep-alive probe: the peer is taken for dead, the connection is reset (Linux sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>) and the application is told it timed out.";
    ZeroWindowProbe [queues] => "zero-window-probe", "RFC 9293 §3.8.6.1; RFC 1122 §4.2.2.17",
        "The peer's window is zero and data is waiting: the persist timer sends a probe, so that the peer's answer carries its window (its window update could be lost, and nothing else would ever ask); the wait doubles after each probe, and probing never gives up while the peer answers.";
    WindowStillZero [queues] => "window-still-zero", "RFC 9293 §3.8.6.1; RFC 1122 §4.2.2.17",
        "The answer to the probe says the window is still zero: nothing may be sent yet, and the persist timer waits twice as long before it probes again.";
    WindowUpdate [queues] => "window-update", "RFC 9293 §3.8.6.2.2; Linux tcp_cleanup_rbuf",
        "The application read what was waiting, so the receive window opens again: an ACK tells the sender at once (the window grew by at least min(buffer/2, MSS)).";

    // Closing (RFC 9293 §3.6, §3.10.7.4).
    Fin => "fin", "RFC 9293 §3.10.4",
        "FIN: this side has no more data to send. It occupies one sequence number.";
    FinAcked => "fin-acked", "RFC 9293 §3.10.7.4",
        "Our FIN is acknowledged.";
    FinReceived => "fin-received", "RFC 9293 §3.10.7.4",
        "The peer's FIN arrived: it will send no more, but this side may still send.";
    FinReceivedFinWait2 => "fin-received-fin-wait-2", "RFC 9293 §3.10.7.4, Fig. 12",
        "The peer's FIN arrived after ours was acknowledged: acknowledge it and wait in TIME-WAIT.";
    FinAndAckReceived => "fin-and-ack-received", "RFC 9293 §3.10.7.4",
        "The peer's FIN also acknowledges our FIN: straight from FIN-WAIT-1 to TIME-WAIT.";
    SimultaneousClose => "simultaneous-close", "RFC 9293 §3.10.7.4, Fig. 13",
        "The peer's FIN crossed ours (it does not acknowledge our FIN): simultaneous close, CLOSING.";
    FinAckedLastAck => "last-ack-acked", "RFC 9293 §3.10.7.4",
        "The last ACK acknowledges our FIN: the connection is closed.";
    FinAckedClosing => "closing-acked", "RFC 9293 §3.10.7.4, Fig. 13",
        "Our FIN is acknowledged in CLOSING: wait in TIME-WAIT.";
    TimeWaitReack => "time-wait-reack", "RFC 9293 §3.10.7.4; Linux tcp_timewait_state_process",
        "A retransmitted FIN in TIME-WAIT: our last ACK was lost, so acknowledge again and restart the TIME-WAIT timer.";
    TimeWaitNewSyn => "time-wait-new-syn", "RFC 9293 §3.10.7.4; RFC 6191; Linux tcp_timewait_state_process",
        "A new SYN reached a connection in TIME-WAIT, its sequence number and timestamp beyond anything of the old connection: it cannot be an old duplicate, so TIME-WAIT ends early and the listener takes the SYN as a new connection (Linux starts its ISN at the old SND.NXT + 65537).";
    TimeWaitExpired => "time-wait-expired", "RFC 9293 §3.10.8; Linux TCP_TIMEWAIT_LEN",
        "TIME-WAIT is over (2×MSL in the RFC, a fixed 60 s on Linux): old segments of this connection have had time to die out.";
    TimeWaitSkipped => "time-wait-skipped", "RFC 9293 §3.10.8 (skipped here: a counterfactual)",
        "Counterfactual: no TIME-WAIT. This side forgets the connection as soon as its last ACK is sent; if that ACK is lost, the peer's FIN sent again meets a closed port.";
    FinWait2Timeout => "fin-wait-2-timeout", "Linux tcp_fin_timeout (60 s)",
        "The application closed its socket long ago and the peer never sent its FIN: Linux drops the connection from FIN-WAIT-2 without telling the peer.";

    // Timers (RFC 6298, RFC 9293 §3.8.3).
    Retransmission => "retransmission", "RFC 6298 §5.4",
        "The retransmission timer expired before an acknowledgment: send the earliest unacknowledged segment again, with the same sequence number, and double the timeout.";
    RetransmissionLimit => "retransmission-limit", "RFC 9293 §3.8.3",
        "Too many retransmissions went without the acknowledgment they waited for (any answers acknowledged something else): the connection is given up and the application told it timed out.";
    HandshakeTimeoutPassive => "handshake-timeout-listen", "RFC 9293 §3.8.3",
        "The handshake never completed: the SYN-RECEIVED entry is dropped, the application never hears of it, and the socket keeps listening.";

    // Segments the receiver discards without a reply.
    IgnoredRst => "ignored-rst", "RFC 9293 §3.10.7",
        "A RST that does not match this connection is ignored.";
    IgnoredInState => "ignored", "RFC 9293 §3.10.7",
        "Nothing in this segment applies in the current state: it is dropped.";
    NoAckBit => "no-ack-bit", "RFC 9293 §3.10.7.4",
        "A segment without the ACK bit in a synchronized state is dropped.";
    TwoWayIgnored => "two-way-ignored", "RFC 9293 §3.5",
        "Two-way handshake (a counterfactual): the client did not ask for this answer (it acknowledges another ISN), so it silently ignores it.";
    SilentClient => "client-silent", "RFC 9293 §3.10.7.3 (a counterfactual: TCP resets)",
        "The client says nothing about an answer to a SYN it never sent (the rule chosen here, as if it had crashed or its reset were lost; TCP itself would reset it).";
    DuplicateAck => "duplicate-ack", "RFC 9293 §3.10.7.4",
        "This ACK acknowledges nothing new.";
    StaleDuplicate => "stale-duplicate", "RFC 9293 §3.5, Fig. 8",
        "An old duplicate from an earlier incarnation of the connection, delayed in the network, is released now.";

    // A listener's queues (Linux's SYN queue and accept queue; RFC 4987 on SYN floods).
    SynQueued [queues] => "syn-queued", "RFC 9293 §3.10.7.2; Linux tcp_conn_request",
        "A SYN from another peer reached the listening socket: a small SYN-queue entry (a half-open, SYN-RECEIVED connection) remembers it and answers SYN,ACK, while the listening socket itself stays in LISTEN.";
    SynQueueFull [queues] => "syn-queue-full", "Linux tcp_conn_request, inet_csk_reqsk_queue_is_full (tcp_syncookies=0)",
        "The SYN queue is full (it holds backlog + 1 half-open entries) and SYN cookies are off: the SYN is dropped without any answer, and its sender can only retry.";
    AcceptQueueFull [queues] => "accept-queue-full", "Linux tcp_conn_request, sk_acceptq_is_full",
        "The accept queue is full (backlog + 1 connections wait for accept()): Linux drops this SYN without any answer, neither SYN,ACK nor RST.";
    AcceptQueueFullAck [queues] => "accept-queue-full-ack", "Linux tcp_check_req, tcp_v4_syn_recv_sock (tcp_abort_on_overflow=0)",
        "The ACK completes the handshake, but the accept queue is full: with tcp_abort_on_overflow=0 Linux drops the ACK and keeps the SYN-RECEIVED entry, whose timer sends the SYN,ACK again. The client already believes it is ESTABLISHED.";
    QueuedEstablished [queues] => "accept-queued", "RFC 9293 §3.10.7.4; Linux tcp_check_req",
        "The ACK completes a queued handshake: the connection leaves the SYN queue for the accept queue, where it waits for the application's accept().";
    AppAccept [queues] => "app-accept", "Linux inet_csk_accept (RFC 9293 §3.10.1)",
        "The application called accept(): it takes the oldest connection from the accept queue, which frees a place in it.";
    RequestExpired [queues] => "syn-queue-expired", "Linux reqsk_timer_handler, tcp_synack_retries",
        "The SYN,ACK went out tcp_synack_retries times more without an answer: the SYN-queue entry is dropped, and its place is free again.";
    RequestReset [queues] => "syn-queue-reset", "RFC 9293 §3.10.7.4",
        "A RST for a half-open SYN-queue entry: the entry is removed, and the listening socket goes on listening.";
    SynCookieSent [queues] => "syn-cookie", "RFC 4987 §3.6; Linux tcp_syncookies=1, cookie_v4_init_sequence",
        "The SYN queue is full, so the server answers with a SYN cookie: its ISN encodes the client's MSS, a minute counter and a keyed hash of the addresses and ports, and the server keeps no record of this SYN at all.";
    SynCookieAck [queues] => "syn-cookie-ack", "RFC 4987 §3.6; Linux cookie_v4_check",
        "This ACK acknowledges a SYN cookie: ACK − 1 decodes to a recent counter and a valid MSS, so the server rebuilds the connection from the ACK alone, straight from LISTEN to ESTABLISHED.";
    OtherPeer [queues] => "other-peer", "RFC 9293 §3.5; RFC 4987 §2",
        "A segment from another host, not one of the two endpoints drawn here: another client of the same server, or a forged source address that will never answer.";
    Forged [queues] => "forged", "RFC 6528 §1; RFC 9293 §3.4.1",
        "Forged: an attacker elsewhere sends this with the client's address and port as its source. The server's answers go to the real client, never to the attacker, so the attacker must guess the server's ISN to acknowledge it.";

    // TCP Fast Open (RFC 7413): a cookie, then data in the SYN.
    FastOpenCookieRequest [queues] #[cfg(feature = "queues")] => "fast-open-cookie-request", "RFC 7413 §4.1.1, §4.2.1; Linux tcp_send_syn_data",
        "The application called sendto() with MSG_FASTOPEN, to connect and send in one call, but no Fast Open cookie for this server is cached: the SYN carries an empty Fast Open option, a request for one, and the data waits for the handshake.";
    FastOpenCookieSent [queues] #[cfg(feature = "queues")] => "fast-open-cookie", "RFC 7413 §4.1.2; Linux tcp_fastopen_cookie_gen",
        "The SYN asks for a Fast Open cookie: the SYN,ACK carries one, a hash of the client's address under a key only this server knows (8 bytes on Linux). The server stores nothing: it checks a cookie that comes back by computing it again.";
    FastOpenCookieCached [queues] #[cfg(feature = "queues")] => "fast-open-cookie-cached", "RFC 7413 §4.1.3; Linux tcp_fastopen_cache_set",
        "The SYN,ACK acknowledges our SYN and carries a Fast Open cookie: the client's host caches it for this server, for its later connections. This handshake completes as usual.";
    FastOpenSynData [queues] #[cfg(feature = "queues")] => "fast-open-syn-data", "RFC 7413 §4.2; Linux tcp_send_syn_data",
        "sendto() with MSG_FASTOPEN, and a cookie for this server is cached: the SYN carries the cookie and the data itself, so the request does not wait for the handshake.";
    FastOpenAccepted [queues] #[cfg(feature = "queues")] => "fast-open-accepted", "RFC 7413 §4.2.2; Linux tcp_try_fastopen",
        "The SYN brings back a valid cookie: its data goes to the application at once, in SYN-RECEIVED, and the SYN,ACK acknowledges it (the client's ISN + 1 + the data's length). The server may answer before the handshake's last ACK arrives.";
    FastOpenCookieInvalid [queues] #[cfg(feature = "queues")] => "fast-open-cookie-invalid", "RFC 7413 §4.1.2, §4.2.2; Linux tcp_try_fastopen",
        "The SYN's cookie does not check (the server's key has changed since, or the cookie is forged): its data is dropped, and the SYN,ACK acknowledges only the SYN and carries a valid cookie. The handshake goes on as a plain one.";
    FastOpenDataAcked [queues] #[cfg(feature = "queues")] => "fast-open-data-acked", "RFC 7413 §4.2",
        "The SYN,ACK acknowledges our SYN and the data in it: the request was delivered within the first round trip. The handshake completes.";
    FastOpenDataResent [queues] #[cfg(feature = "queues")] => "fast-open-data-resent", "RFC 7413 §4.2; Linux tcp_rcv_fastopen_synack",
        "The SYN,ACK acknowledges our SYN but not the data it carried (the server refused the cookie, or had only a SYN sent again without data): the connection is established, and the data goes again at once, carrying the ACK.";

    // A packetdrill script's remote (crates/synack-packetdrill).
    ScriptSegment => "script-segment", "RFC 9293 §3.1; written in a packetdrill script's `<` line",
        "The script's remote sends this segment exactly as its `<` line writes it; no TCP endpoint computed it.";
}

impl Serialize for Reason {
    /// A reason serialises as `reason` (text), `reason_key` and `rfc`, so that
    /// `#[serde(flatten)]` puts the three beside the other fields of an event.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("reason", self.text())?;
        m.serialize_entry("reason_key", self.key())?;
        m.serialize_entry("rfc", self.rfc())?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn keys_are_unique_and_every_reason_cites_a_source() {
        // Without the `queues` feature its 18 reasons have neither key nor source
        // (and TCP Fast Open's do not exist).
        let here: Vec<_> = Reason::ALL.iter().filter(|r| crate::QUEUES || !r.key().is_empty()).collect();
        assert_eq!(here.len(), Reason::ALL.len() - if crate::QUEUES { 0 } else { 18 });
        let mut keys: Vec<_> = here.iter().map(|r| r.key()).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate reason key");
        for r in here {
            assert!(r.rfc().starts_with("RFC") || r.rfc().starts_with("Linux"), "{r:?}");
            assert!(r.text().ends_with('.'), "{r:?} text is a sentence");
        }
    }
}
