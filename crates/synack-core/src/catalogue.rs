//! The scenarios a reader will want, each with a title and a short explanation.
//!
//! Ids are stable keys: front ends translate titles and explanations by id. The
//! English text here is the reference rendering.

use serde::Serialize;

use crate::net::Link;
use crate::profile::{Handshake, ProfileName, MILLISECOND, SECOND};
use crate::scenario::{ActionKind as Do, DelayFault, EndpointSpec, Inject, NetworkSpec, Scenario, SeqSpec, Step, When};
use crate::trace::Side::{Client, Server};

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Entry {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The RFC 9293 figure it reproduces, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figure: Option<&'static str>,
    /// Worth showing under more than one handshake mode side by side.
    pub compare: bool,
}

pub const ENTRIES: &[Entry] = &[
    Entry {
        id: "three-way-handshake",
        title: "Three-way handshake",
        summary: "SYN, SYN,ACK, ACK: each side sends its initial sequence number and sees it acknowledged.",
        figure: Some("RFC 9293 Fig. 6"),
        compare: true,
    },
    Entry {
        id: "four-way-teardown",
        title: "Four-way teardown",
        summary: "Each direction is closed on its own: FIN and ACK one way, then FIN and ACK the other. The side that closed first waits in TIME-WAIT.",
        figure: Some("RFC 9293 Fig. 12"),
        compare: false,
    },
    Entry {
        id: "full-lifecycle",
        title: "A whole connection",
        summary: "Handshake, an HTTP request and its response, and the close.",
        figure: None,
        compare: false,
    },
    Entry {
        id: "old-duplicate-syn",
        title: "An old duplicate SYN",
        summary: "A SYN from an earlier connection arrives late. With three segments the client rejects the answer it did not ask for; with two, the server keeps a connection nobody wanted.",
        figure: Some("RFC 9293 Fig. 8"),
        compare: true,
    },
    Entry {
        id: "four-way-handshake",
        title: "Why not four segments?",
        summary: "The server acknowledges the SYN and sends its own SYN in separate segments: it works, but the two can always travel together.",
        figure: None,
        compare: true,
    },
    Entry {
        id: "syn-lost",
        title: "The SYN is lost",
        summary: "No answer comes, so the client's retransmission timer (1 s at first) sends the SYN again, with the same ISN.",
        figure: None,
        compare: false,
    },
    Entry {
        id: "syn-ack-lost",
        title: "The SYN,ACK is lost",
        summary: "The client sends its SYN again; the server sees the repeat and answers SYN,ACK again.",
        figure: None,
        compare: false,
    },
    Entry {
        id: "final-ack-lost",
        title: "The last ACK is lost: why TIME-WAIT exists",
        summary: "The server never hears that its FIN arrived and sends it again. The client, still in TIME-WAIT, can acknowledge it once more.",
        figure: None,
        compare: false,
    },
    Entry {
        id: "simultaneous-open",
        title: "Simultaneous open",
        summary: "Both sides send a SYN at the same moment. Both pass through SYN-RECEIVED and end up with one connection.",
        figure: Some("RFC 9293 Fig. 7"),
        compare: false,
    },
    Entry {
        id: "simultaneous-close",
        title: "Simultaneous close",
        summary: "Both FINs cross in flight: both sides go through CLOSING, and both wait in TIME-WAIT.",
        figure: Some("RFC 9293 Fig. 13"),
        compare: false,
    },
    Entry {
        id: "three-segment-teardown",
        title: "Teardown in three segments",
        summary: "As Linux usually closes: the ACK of the first FIN is delayed, and rides on the second FIN.",
        figure: None,
        compare: false,
    },
    Entry {
        id: "half-close",
        title: "Half-close",
        summary: "The client finishes sending and shuts down its side; the server keeps sending until it is done too.",
        figure: None,
        compare: false,
    },
    Entry {
        id: "connection-refused",
        title: "Connection refused",
        summary: "Nothing listens on the port: the SYN is answered with RST,ACK.",
        figure: None,
        compare: false,
    },
    Entry {
        id: "half-open",
        title: "Half-open connection discovery",
        summary: "The client crashes and reconnects; the server still holds the old connection, challenges the new SYN, and the client's RST clears it.",
        figure: Some("RFC 9293 Fig. 9"),
        compare: false,
    },
    Entry {
        id: "connect-timeout",
        title: "Connection timeout",
        summary: "A firewall silently drops every SYN: the client retries with doubling timeouts (1, 2, 4, 8 s) and gives up.",
        figure: None,
        compare: false,
    },
];

pub fn entry(id: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.id == id)
}

/// The scenario for a catalogue id.
pub fn scenario(id: &str) -> Option<Scenario> {
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
            sc.actions = scenario("four-way-teardown")?.actions;
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
            // A server process accepts again once the old connection is gone.
            sc.actions.push(Step::new(Server, When::Closed, Do::Listen));
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

fn base(e: &Entry) -> Scenario {
    Scenario {
        id: e.id.into(),
        title: Some(e.title.into()),
        handshake: Handshake::ThreeWay,
        unexpected_answer: Default::default(),
        seed: 1,
        client: EndpointSpec::default(),
        server: EndpointSpec::default(),
        network: NetworkSpec::default(),
        actions: Vec::new(),
        horizon_us: 3600 * SECOND,
    }
}
