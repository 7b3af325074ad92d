//! The scenarios a reader will want, each with a title and a short explanation.
//!
//! Ids are stable keys: front ends translate titles and explanations by id. The
//! English text here is the reference rendering.

use crate::prelude::*;
use serde::Serialize;

use crate::net::Link;
use crate::profile::{Handshake, ProfileName, MILLISECOND, SECOND};
use crate::scenario::{ActionKind as Do, DelayFault, EndpointSpec, Inject, NetworkSpec, Scenario, SeqSpec, Step, When};
use crate::side::Side::{Client, Server};

/// One catalogue entry. Its English title and summary come from methods, so a
/// build that never asks for them (the browser's) does not carry them.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub id: &'static str,
    /// The RFC 9293 figure it reproduces, if any.
    pub figure: Option<&'static str>,
    /// Worth showing under more than one handshake mode side by side.
    pub compare: bool,
    /// Needs what only the `queues` feature models (see [`Scenario::needs_queues`]):
    /// the browser's lean module lists it but runs it in its full build.
    pub full: bool,
}

/// Writes each entry once, id, figure and English together, and makes of them
/// [`ENTRIES`] and the [`Entry::title`] and [`Entry::summary`] that look up by id.
macro_rules! entries {
    ($( id: $id:literal, figure: $figure:expr, compare: $compare:literal, $(full: $full:literal,)?
        title: $title:literal,
        summary: $summary:literal; )*) => {
        pub static ENTRIES: &[Entry] =
            &[$( Entry { id: $id, figure: $figure, compare: $compare, full: false $(|| $full)? } ),*];

        impl Entry {
            /// The English title (the reference rendering; front ends translate by id).
            pub fn title(&self) -> &'static str {
                match self.id { $( $id => $title, )* _ => "" }
            }

            /// The English summary: what the scenario shows, in a sentence or three.
            pub fn summary(&self) -> &'static str {
                match self.id { $( $id => $summary, )* _ => "" }
            }
        }
    };
}

entries! {
    id: "three-way-handshake", figure: Some("RFC 9293 Fig. 6"), compare: true,
        title: "Three-way handshake",
        summary: "SYN, SYN,ACK, ACK: each side sends its initial sequence number and sees it acknowledged.";
    id: "four-way-teardown", figure: Some("RFC 9293 Fig. 12"), compare: false,
        title: "Four-way teardown",
        summary: "Each direction is closed on its own: FIN and ACK one way, then FIN and ACK the other. The side that closed first waits in TIME-WAIT.";
    id: "full-lifecycle", figure: None, compare: false,
        title: "A whole connection",
        summary: "Handshake, an HTTP request and its response, and the close.";
    id: "old-duplicate-syn", figure: Some("RFC 9293 Fig. 8"), compare: true,
        title: "An old duplicate SYN",
        summary: "A SYN from an earlier connection arrives late. With three segments the server commits only once its own ISN is acknowledged, so the stale SYN costs it a half-finished entry at most; with two, it hands its application a connection nobody asked for.";
    id: "four-way-handshake", figure: None, compare: true,
        title: "Why not four segments?",
        summary: "The server acknowledges the SYN and sends its own SYN in separate segments: it works, but the two can always travel together.";
    id: "syn-lost", figure: None, compare: false,
        title: "The SYN is lost",
        summary: "No answer comes, so the client's retransmission timer (1 s at first) sends the SYN again, with the same ISN.";
    id: "syn-ack-lost", figure: None, compare: false,
        title: "The SYN,ACK is lost",
        summary: "The client sends its SYN again; the server sees the repeat and answers SYN,ACK again.";
    id: "final-ack-lost", figure: None, compare: false,
        title: "The last ACK is lost: why TIME-WAIT exists",
        summary: "The server never hears that its FIN arrived and sends it again. The client, still in TIME-WAIT, can acknowledge it once more.";
    id: "simultaneous-open", figure: Some("RFC 9293 Fig. 7"), compare: false,
        title: "Simultaneous open",
        summary: "Both sides send a SYN at the same moment. Both pass through SYN-RECEIVED and end up with one connection.";
    id: "simultaneous-close", figure: Some("RFC 9293 Fig. 13"), compare: false,
        title: "Simultaneous close",
        summary: "Both FINs cross in flight: both sides go through CLOSING, and both wait in TIME-WAIT.";
    id: "three-segment-teardown", figure: None, compare: false,
        title: "Teardown in three segments",
        summary: "As Linux usually closes: the ACK of the first FIN is delayed, and rides on the second FIN.";
    id: "half-close", figure: None, compare: false,
        title: "Half-close",
        summary: "The client finishes sending and shuts down its side; the server keeps sending until it is done too.";
    id: "connection-refused", figure: None, compare: false,
        title: "Connection refused",
        summary: "Nothing listens on the port: the SYN is answered with RST,ACK.";
    id: "half-open", figure: Some("RFC 9293 Fig. 9"), compare: false,
        title: "Half-open connection discovery",
        summary: "The client crashes and reconnects; the server still holds the old connection, challenges the new SYN, and the client's RST clears it.";
    id: "connect-timeout", figure: None, compare: false,
        title: "Connection timeout",
        summary: "A firewall silently drops every SYN: the client retries with doubling timeouts (1, 2, 4, 8 s) and gives up after 15 s, because this scenario allows only 3 retries. Real stacks try far longer: Linux about 2 minutes, RFC 9293 at least 3.";
    id: "syn-flood", figure: None, compare: false, full: true,
        title: "A SYN flood",
        summary: "Forged SYNs from addresses that never answer fill the listener's SYN queue (listen backlog 2, so 3 entries; SYN cookies off). The real client's SYN finds no room and is dropped without a word; it retries until the forged entries expire, after the server has sent each SYN,ACK 5 more times (63 s), and only then connects.";
    id: "syn-cookies", figure: None, compare: false, full: true,
        title: "SYN cookies",
        summary: "The same flood with Linux's default tcp_syncookies=1: when the SYN queue is full, the server answers the real client with a SYN cookie, an ISN that encodes what it must remember, and keeps no state. The client's ACK brings the cookie back, and the server rebuilds the connection from it.";
    id: "accept-queue-full", figure: None, compare: false, full: true,
        title: "The accept queue is full",
        summary: "The application has not called accept(), and two other clients fill the accept queue (backlog 1, so 2 places). The client completes its handshake and believes it is ESTABLISHED, but the server drops its ACK and sends the SYN,ACK again (Linux tcp_abort_on_overflow=0) until accept() makes room.";
    id: "close-with-unread-data", figure: None, compare: false, full: true,
        title: "Closing with unread data",
        summary: "The server's application closes its socket without reading the request that arrived. Those bytes would be lost without a word, so instead of a FIN the server sends a RST (RFC 2525 §2.17, as Linux does): the client learns at once that the connection was reset, not closed.";
    id: "time-wait-new-syn", figure: None, compare: false, full: true,
        title: "A new SYN meets TIME-WAIT",
        summary: "The server closes first, so its side waits in TIME-WAIT (60 s on Linux). The client connects again at once, from the same port. Its SYN is beyond anything of the old connection (RFC 6191: a higher sequence number and timestamp), so it cannot be an old duplicate: TIME-WAIT ends early and the listener opens a new connection, with an ISN above the old one's.";
    id: "keepalive", figure: None, compare: false, full: true,
        title: "Keep-alive finds a dead peer",
        summary: "The client's host loses power after sending a request, and nothing more arrives from it. The server has keep-alive on (SO_KEEPALIVE; Linux's times: after 2 hours idle, a probe every 75 s, 9 probes): no probe is answered, so 2 hours and 11 minutes later the server resets the connection and tells its application it timed out.";
    id: "zero-window", figure: None, compare: false, full: true,
        title: "A zero window",
        summary: "The server's application does not read, so its receive buffer (two segments, 2920 bytes) fills and it advertises a window of 0. The client stops sending, and its persist timer probes the closed window with one byte, waiting twice as long each time. When the application reads, 8 s later, the server's ACK opens the window and the rest follows.";
    id: "isn-choice", figure: None, compare: false, full: true,
        title: "Why ISNs look random",
        summary: "An attacker opens a connection of its own and reads the server's ISN, then forges a SYN from a trusted client that cannot answer (its link is flooded) and blindly sends the ACK and a command that would follow. Its guess is the ISN it saw plus the 4 µs clock's ticks since, which was right when the ISN was the clock alone (RFC 793). With RFC 6528's keyed hash of the addresses and ports added, one connection's ISN says nothing about another's: the guess misses and the server answers with a RST.";
    id: "fast-open", figure: None, compare: false, full: true,
        title: "Fast Open",
        summary: "The client connects twice with TCP Fast Open on (RFC 7413; Linux tcp_fastopen=3), each time with sendto(MSG_FASTOPEN). The first SYN asks for a cookie, the SYN,ACK brings one, and the request waits for the handshake as usual. After TIME-WAIT the second SYN carries the cached cookie and the request itself: the server checks the cookie, hands the request to its application at once and answers before the handshake ends, one round trip sooner.";
    id: "fin-wait-2-timeout", figure: None, compare: false, full: true,
        title: "An orphaned FIN-WAIT-2 times out",
        summary: "The client closes and the server acknowledges its FIN, but the server's application never closes. The RFC would leave the client in FIN-WAIT-2 for ever; Linux drops the orphaned socket after tcp_fin_timeout (60 s). When the server's application closes at last, at 90 s, its FIN finds no connection and is answered with a RST.";
}

impl Serialize for Entry {
    /// `{"id", "title", "summary", "figure"?, "compare"}`, as `synack scenarios --format json` prints it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", self.id)?;
        m.serialize_entry("title", self.title())?;
        m.serialize_entry("summary", self.summary())?;
        if let Some(f) = self.figure {
            m.serialize_entry("figure", f)?;
        }
        m.serialize_entry("compare", &self.compare)?;
        m.end()
    }
}

pub fn entry(id: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.id == id)
}

/// The scenario for a catalogue id, titled with the entry's English title.
pub fn scenario(id: &str) -> Option<Scenario> {
    let mut sc = untitled(id)?;
    sc.title = entry(id).map(|e| e.title().into());
    Some(sc)
}

/// The scenario for a catalogue id without its title, for front ends that show
/// titles from their own translation tables (the browser module then carries no
/// English titles or summaries at all).
pub fn untitled(id: &str) -> Option<Scenario> {
    let e = entry(id)?;
    let mut sc = base(e);
    let ms = MILLISECOND;
    let connect = || vec![Step::new(Server, When::Start, Do::Listen), Step::new(Client, When::Start, Do::Connect)];
    let close_after = |side, when, delay| Step::new(side, when, Do::Close).after(delay);
    match id {
        "three-way-handshake" => sc.actions = connect(),
        "four-way-teardown" => {
            sc.actions = connect();
            sc.actions.push(close_after(Client, When::Established, 300 * ms));
            sc.actions.push(close_after(Server, When::PeerClosed, 200 * ms));
        }
        "final-ack-lost" => {
            sc.actions = untitled("four-way-teardown")?.actions;
            // Segments: 1 SYN, 2 SYN,ACK, 3 ACK, 4 FIN, 5 ACK, 6 FIN, 7 the last ACK.
            sc.network.faults.drop.push(7);
        }
        "full-lifecycle" => {
            let request = "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n";
            let response =
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 22\r\n\r\n<h1>Hello, TCP!</h1>\r\n";
            sc.actions = connect();
            sc.actions.push(Step::text(Client, When::Established, request));
            sc.actions.push(Step::text(Server, When::Received(request.len() as u64), response).after(20 * ms));
            sc.actions.push(close_after(Client, When::Received(response.len() as u64), 100 * ms));
            sc.actions.push(close_after(Server, When::PeerClosed, 100 * ms));
        }
        "old-duplicate-syn" => {
            sc.client.isn = Some(100);
            sc.server.isn = Some(300);
            sc.actions = connect();
            // The client's own SYN (segment 1) is slow; an old SYN from an earlier
            // incarnation, with ISN 90, gets there first (Fig. 8).
            sc.network.faults.delay.push(DelayFault { segment: 1, extra_us: 250 * ms });
            sc.network.faults.inject.push(Inject {
                at_us: 10 * ms,
                from: Client,
                flags: vec!["SYN".into()],
                seq: SeqSpec::offset(-10),
                ack: None,
                len: 0,
                port: None,
                forged: false,
            });
        }
        "four-way-handshake" => {
            sc.handshake = Handshake::FourWay;
            sc.actions = connect();
            sc.network.link = Some(Link { tx_time_us: 10 * ms, ..Link::default() });
        }
        "syn-lost" => {
            sc.actions = connect();
            sc.network.faults.drop.push(1);
        }
        "syn-ack-lost" => {
            sc.actions = connect();
            sc.network.faults.drop.push(2);
        }
        "simultaneous-open" => {
            sc.client.port = Some(5001);
            sc.server.port = Some(5002);
            sc.actions = vec![Step::new(Client, When::Start, Do::Connect), Step::new(Server, When::Start, Do::Connect)];
        }
        "simultaneous-close" => {
            sc.actions = connect();
            sc.actions.push(close_after(Client, When::AtUs(400 * ms), 0));
            sc.actions.push(close_after(Server, When::AtUs(400 * ms), 0));
        }
        "three-segment-teardown" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            sc.actions = connect();
            // A request first: once data has arrived, Linux delays an ACK by 40 ms
            // (on an idle connection it would go at the next tick, a few ms).
            sc.actions.push(Step::text(Client, When::Established, "GET / HTTP/1.0\r\n\r\n"));
            sc.actions.push(close_after(Client, When::Established, 300 * ms));
            // The server's application closes 5 ms after the FIN: well within the
            // 40 ms for which Linux delays the ACK.
            sc.actions.push(close_after(Server, When::PeerClosed, 5 * ms));
        }
        "half-close" => {
            let upload = "PUT /log HTTP/1.0\r\n\r\nline 1\nline 2\n";
            sc.actions = connect();
            sc.actions.push(Step::text(Client, When::Established, upload));
            sc.actions.push(Step::new(Client, When::Start, Do::Shutdown).after(50 * ms));
            sc.actions.push(Step::text(Server, When::PeerClosed, "received 2 lines\n").after(150 * ms));
            sc.actions.push(Step::text(Server, When::Start, "bye\n").after(150 * ms));
            sc.actions.push(close_after(Server, When::Start, 100 * ms));
        }
        "connection-refused" => {
            sc.actions = vec![Step::new(Client, When::Start, Do::Connect)];
        }
        "half-open" => {
            sc.client.isn = Some(100);
            sc.server.isn = Some(300);
            sc.actions = connect();
            sc.actions.push(Step::new(Client, When::Established, Do::Crash).after(200 * ms));
            sc.actions.push(Step::new(Client, When::Start, Do::Connect).after(500 * ms));
        }
        #[cfg(feature = "queues")]
        "syn-flood" | "syn-cookies" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            sc.server.backlog = Some(2);
            sc.server.syncookies = Some(id == "syn-cookies");
            // Three forged SYNs, each from a source that will never answer, fill the
            // SYN queue (backlog + 1 entries) before the real client's SYN arrives.
            for k in 0..3u16 {
                sc.network.faults.inject.push(other_peer(u64::from(k) * 10 * ms, 40001 + k, &["SYN"], 1000, None));
            }
            sc.actions =
                vec![Step::new(Server, When::Start, Do::Listen), Step::new(Client, When::AtUs(100 * ms), Do::Connect)];
            if id == "syn-cookies" {
                sc.actions.push(Step::text(Client, When::Established, "GET / HTTP/1.0\r\n\r\n").after(20 * ms));
            }
        }
        #[cfg(feature = "queues")]
        "accept-queue-full" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            sc.server.backlog = Some(1);
            // Two other clients, drawn only as their segments, complete handshakes
            // that nobody accept()s: each acknowledges the SYN,ACK it got.
            let inject = &mut sc.network.faults.inject;
            inject.push(other_peer(0, 40001, &["SYN"], 5000, None));
            inject.push(other_peer(60 * ms, 40002, &["SYN"], 7000, None));
            inject.push(other_peer(100 * ms, 40001, &["ACK"], 5001, Some(SeqSpec::echo(40001, 1))));
            inject.push(other_peer(160 * ms, 40002, &["ACK"], 7001, Some(SeqSpec::echo(40002, 1))));
            sc.actions = vec![
                Step::new(Server, When::Start, Do::Listen),
                Step::new(Client, When::AtUs(120 * ms), Do::Connect),
                Step::new(Server, When::AtUs(2 * SECOND), Do::Accept),
                Step::new(Server, When::Established, Do::Accept).after(100 * ms),
                Step::new(Server, When::Start, Do::Accept).after(100 * ms),
            ];
        }
        #[cfg(feature = "queues")]
        "close-with-unread-data" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            sc.server.reads = Some(false);
            let request = "GET / HTTP/1.0\r\n\r\n";
            sc.actions = connect();
            sc.actions.push(Step::text(Client, When::Established, request));
            sc.actions.push(close_after(Server, When::Received(request.len() as u64), 100 * ms));
        }
        #[cfg(feature = "queues")]
        "time-wait-new-syn" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            let request = "GET / HTTP/1.0\r\n\r\n";
            sc.actions = connect();
            sc.actions.push(Step::text(Client, When::Established, request));
            // An HTTP/1.0 server answers and closes first: its side ends in TIME-WAIT.
            let response = "HTTP/1.0 200 OK\r\n\r\nhello\n";
            sc.actions.push(Step::text(Server, When::Received(request.len() as u64), response).after(10 * ms));
            sc.actions.push(Step::new(Server, When::Start, Do::Close));
            sc.actions.push(close_after(Client, When::PeerClosed, 10 * ms));
            // The client connects again soon after, from the same port.
            sc.actions.push(Step::new(Client, When::Closed, Do::Connect).after(100 * ms));
        }
        #[cfg(feature = "queues")]
        "keepalive" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            sc.server.keepalive = Some(true);
            sc.actions = connect();
            sc.actions.push(Step::text(Client, When::Established, "ping\n"));
            // The client's host loses power: it forgets everything, and from then
            // on nothing reaches it or comes from it.
            sc.actions.push(Step::new(Client, When::Start, Do::Crash).after(SECOND));
            sc.network.faults.cut_on_crash = true;
            sc.horizon_us = 3 * 3600 * SECOND;
        }
        #[cfg(feature = "queues")]
        "zero-window" => {
            sc.client.isn = Some(1000);
            sc.server.isn = Some(5000);
            sc.server.reads = Some(false);
            // Two segments' worth: 2920 bytes, or 2896 where timestamps take 12 bytes
            // of each (Linux keeps whole segments), whatever the profiles.
            sc.server.window = Some(2920);
            sc.actions = connect();
            // Twice that, then close(): the FIN waits behind the data.
            sc.actions.push(Step::bytes(Client, When::Established, 5792));
            sc.actions.push(close_after(Client, When::Established, 500 * ms));
            // The application reads 8 s after its buffer filled (three probes), then the
            // rest at once.
            sc.actions.push(Step::new(Server, When::Received(2896), Do::Read).after(8 * SECOND));
            sc.actions.push(Step::new(Server, When::Received(5792), Do::Read));
            sc.actions.push(close_after(Server, When::PeerClosed, 100 * ms));
        }
        #[cfg(feature = "queues")]
        "isn-choice" => {
            // Enough backlog that the attacker's own connection fits beside the forged one.
            sc.server.backlog = Some(4);
            // Two more SYN,ACKs after the first, not seven: the diagram ends sooner.
            sc.server.synack_retries = Some(2);
            // The trusted client cannot answer: nothing the server sends reaches it (the
            // attacker floods its link, as Mitnick's 1994 attack flooded its host).
            sc.network.s2c = Some(Link { loss: 1.0, ..Link::default() });
            let inject = &mut sc.network.faults.inject;
            // 1. From its own address, the attacker opens a connection to read an ISN,
            //    then resets it.
            inject.push(other_peer(0, 40001, &["SYN"], 7000, None));
            inject.push(other_peer(150 * ms, 40001, &["RST"], 7001, None));
            // 2. 300 ms after its probe, a SYN with the trusted client's address and port.
            let forged = |at_us, flags: &[&str], ack: Option<SeqSpec>, len| Inject {
                at_us,
                from: Client,
                flags: flags.iter().map(|f| (*f).into()).collect(),
                seq: SeqSpec::Absolute(if flags.contains(&"SYN") { 1000 } else { 1001 }),
                ack,
                len,
                port: None,
                forged: true,
            };
            inject.push(forged(300 * ms, &["SYN"], None, 0));
            // 3. Blind, it acknowledges the ISN it predicts: the one it saw plus the
            //    RFC's 4 µs clock's ticks in 300 ms, plus the SYN's one; then sends a
            //    command (`echo + + >> .rhosts` in 1994).
            let guess = SeqSpec::echo(40001, (300 * ms / 4 + 1) as i64);
            inject.push(forged(310 * ms, &["ACK"], Some(guess), 0));
            inject.push(forged(320 * ms, &["PSH", "ACK"], Some(guess), 20));
            // Its application takes whatever connection completes, and reads it.
            sc.actions =
                vec![Step::new(Server, When::Start, Do::Listen), Step::new(Server, When::Established, Do::Accept)];
        }
        #[cfg(feature = "queues")]
        "fast-open" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            sc.client.fast_open = Some(true);
            sc.server.fast_open = Some(true);
            let request = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
            let response = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello\n";
            let (req, resp) = (request.len() as u64, response.len() as u64);
            // A send before connect is one sendto(MSG_FASTOPEN) (RFC 7413 §4.2). The
            // client closes once the response is in, so it waits in TIME-WAIT (60 s)
            // before it connects again, from the same port, with the cookie cached.
            sc.actions = vec![
                Step::new(Server, When::Start, Do::Listen),
                Step::text(Client, When::Start, request),
                Step::new(Client, When::Start, Do::Connect),
                Step::text(Server, When::Received(req), response).after(5 * ms),
                close_after(Client, When::Received(resp), 0),
                close_after(Server, When::PeerClosed, 0),
                Step::text(Client, When::Closed, request).after(100 * ms),
                Step::new(Client, When::Start, Do::Connect),
                Step::text(Server, When::Received(req), response).after(5 * ms),
                close_after(Client, When::Received(resp), 0),
                close_after(Server, When::PeerClosed, 0),
            ];
        }
        #[cfg(feature = "queues")]
        "fin-wait-2-timeout" => {
            sc.client.profile = ProfileName::Linux;
            sc.server.profile = ProfileName::Linux;
            sc.actions = connect();
            sc.actions.push(close_after(Client, When::Established, 100 * ms));
            sc.actions.push(close_after(Server, When::AtUs(90 * SECOND), 0));
        }
        "connect-timeout" => {
            sc.client.syn_retries = Some(3);
            sc.actions = connect();
            sc.network.c2s = Some(Link { loss: 1.0, ..Link::default() });
        }
        _ => return None,
    }
    Some(sc)
}

/// A segment from a host that the scenario does not draw (another client, or a
/// forged source address), sent towards the server from `port`.
#[cfg(feature = "queues")]
fn other_peer(at_us: u64, port: u16, flags: &[&str], seq: u32, ack: Option<SeqSpec>) -> Inject {
    Inject {
        at_us,
        from: Client,
        flags: flags.iter().map(|f| (*f).into()).collect(),
        seq: SeqSpec::Absolute(seq),
        ack,
        len: 0,
        port: Some(port),
        forged: false,
    }
}

fn base(e: &Entry) -> Scenario {
    Scenario {
        id: e.id.into(),
        title: None,
        handshake: Handshake::ThreeWay,
        unexpected_answer: None,
        seed: 1,
        client: EndpointSpec::default(),
        server: EndpointSpec::default(),
        network: NetworkSpec::default(),
        actions: Vec::new(),
        horizon_us: 3600 * SECOND,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without the `queues` feature (the browser's lean module) exactly the entries
    /// not marked `full` run; with it, `full` marks every scenario that needs it.
    #[test]
    fn full_marks_what_the_lean_build_cannot_run() {
        for e in ENTRIES {
            let sc = untitled(e.id);
            if crate::QUEUES {
                let sc = sc.unwrap_or_else(|| panic!("{} has no scenario", e.id));
                assert!(e.full || !sc.needs_queues(), "{} needs the queues but is not marked full", e.id);
            } else {
                assert_eq!(sc.is_some(), !e.full, "{}", e.id);
            }
        }
    }
}
