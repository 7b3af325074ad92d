//! The engine's side of an interop run: one [`Endpoint`] plus what it did.
//!
//! Both drivers (smoltcp in-process, Linux through a TUN device) hand segments to an
//! [`EngineHost`] and take its transmits; the host keeps the record a test reads:
//! every state change with its reason, every application note, and every segment
//! sent and received.

use synack_core::{AppNote, Endpoint, EndpointConfig, Note, Segment, Side, State};

use crate::capture::Transition;

/// One engine endpoint and the record of its run.
#[derive(Debug)]
pub struct EngineHost {
    pub endpoint: Endpoint,
    /// The role the engine plays (client: it connects; server: it listens).
    pub side: Side,
    /// Every state change, in order, at the time of the call that caused it.
    pub transitions: Vec<Transition>,
    /// What the application was told, in order.
    pub app_notes: Vec<AppNote>,
    /// Every segment the engine sent, in order.
    pub sent: Vec<Segment>,
    /// The reason keys of arriving segments the engine dropped without a reply
    /// (a duplicate ACK, a RST it does not believe, …), in order.
    pub discards: Vec<String>,
    /// Every segment handed to the engine, in order.
    pub received: Vec<Segment>,
    /// The time of the last call, for the notes it produced.
    now: u64,
}

impl EngineHost {
    pub fn new(side: Side, cfg: EndpointConfig) -> EngineHost {
        EngineHost {
            endpoint: Endpoint::new(cfg),
            side,
            transitions: Vec::new(),
            app_notes: Vec::new(),
            sent: Vec::new(),
            discards: Vec::new(),
            received: Vec::new(),
            now: 0,
        }
    }

    pub fn state(&self) -> State {
        self.endpoint.state()
    }

    /// Run an application call (`|ep, now| ep.connect(now)`) at `now`, recording
    /// what it changed; an error is returned as the RFC's wording.
    pub fn call<T, E: ToString>(
        &mut self,
        now: u64,
        f: impl FnOnce(&mut Endpoint, u64) -> Result<T, E>,
    ) -> Result<T, String> {
        self.now = now;
        let result = f(&mut self.endpoint, now).map_err(|e| e.to_string());
        self.collect_notes();
        result
    }

    /// A segment arrived from the peer.
    pub fn deliver(&mut self, now: u64, seg: &Segment) {
        self.now = now;
        self.received.push(seg.clone());
        self.endpoint.handle_segment(now, seg);
        self.collect_notes();
    }

    /// Fire the engine's timers if one is due at `now`.
    pub fn tick(&mut self, now: u64) {
        if self.endpoint.poll_timeout().is_some_and(|t| t <= now) {
            self.now = now;
            self.endpoint.handle_timeout(now);
            self.collect_notes();
        }
    }

    /// The segments the engine wants sent now, in order.
    pub fn transmits(&mut self) -> Vec<Segment> {
        let out: Vec<Segment> = std::iter::from_fn(|| self.endpoint.poll_transmit()).map(|t| t.segment).collect();
        self.sent.extend(out.iter().cloned());
        out
    }

    /// The states the engine went through, starting with the first `from`.
    pub fn state_path(&self) -> Vec<State> {
        let mut path: Vec<State> = self.transitions.first().map(|t| t.from).into_iter().collect();
        path.extend(self.transitions.iter().map(|t| t.to));
        path
    }

    fn collect_notes(&mut self) {
        while let Some(note) = self.endpoint.poll_note() {
            match note {
                Note::State { from, to, reason } => self.transitions.push(Transition {
                    side: self.side,
                    from,
                    to,
                    reason_key: reason.key().to_string(),
                    t_us: self.now,
                }),
                Note::App(app) => self.app_notes.push(app),
                Note::Discard { reason } => self.discards.push(reason.key().to_string()),
                // The host has no backlog: its queues are never modelled.
                Note::Timer { .. } | Note::Accept { .. } | Note::Queue { .. } => {}
            }
        }
    }
}

/// An engine endpoint's configuration for an interop run: the three-way handshake
/// (TCP as RFC 9293 §3.5 has it) with the given ports, first ISN and profile.
pub fn config(local_port: u16, remote_port: u16, isn: u32, profile: synack_core::Profile) -> EndpointConfig {
    EndpointConfig {
        local_port,
        remote_port,
        isn,
        profile,
        handshake: synack_core::Handshake::ThreeWay,
        unexpected_answer: synack_core::UnexpectedAnswer::Reset,
        backlog: None,
    }
}
