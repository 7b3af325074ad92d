//! Running a scenario: two endpoints, the network and both applications' scripts on
//! one virtual clock, until nothing is left to happen.
//!
//! The loop: find the earliest pending thing (a segment arriving, a timer, an
//! application step, an injected duplicate), advance the clock to it, hand it to its
//! owner, and record what comes out. At one instant the order is fixed — arrivals
//! in the order sent, then timers (client before server), then injections, then
//! application steps in the scenario's order — so every run of the same scenario
//! gives the same trace.

use crate::endpoint::{AppNote, Endpoint, Note, SynCookie};
use crate::net::{DropCause, Fate, Network};
use crate::prelude::*;
use crate::reason::Reason;
use crate::scenario::{Action, Scenario, ScenarioError, SeqSpec, Step, When, MAX_EVENTS};
use crate::segment::Segment;
use crate::seq::SeqNum;
use crate::side::{Dir, Side};
use crate::state::State;
use crate::trace::{AppEvent, Event, EventKind, Fact, Numbering, Outcome, PeerInfo, Trace};
use crate::QUEUES;

/// Validate and run a scenario.
pub fn run(scenario: &Scenario) -> Result<Trace, ScenarioError> {
    run_with_endpoints(scenario).map(|(trace, _)| trace)
}

/// Run a scenario and also return both endpoints as they ended (client, server),
/// for tests that look at what each application received.
pub fn run_with_endpoints(scenario: &Scenario) -> Result<(Trace, [Endpoint; 2]), ScenarioError> {
    scenario.validate()?;
    let mut sim = Sim::new(scenario)?;
    sim.run();
    let trace = sim.finish_trace(scenario);
    Ok((trace, sim.endpoints))
}

struct Script {
    /// This side's steps with their places in the scenario's list.
    steps: Vec<(usize, Step)>,
    next: usize,
    /// When the current step's condition held: it runs at this time.
    due: Option<u64>,
    /// Connections this side had ended when its previous step ran: a `closed` step
    /// waits for one more (a listener is back in LISTEN the same instant).
    ended_before: u32,
}

struct Sim {
    now: u64,
    endpoints: [Endpoint; 2],
    net: Network,
    scripts: [Script; 2],
    /// Each injection's time, sender, segment, and its place in the scenario's list.
    injections: Vec<(u64, Side, Segment, usize)>,
    /// By that place (with the queues only): whether it is forged, and the port whose
    /// ISN its ACK echoes with the offset, resolved when it leaves.
    inject_more: Vec<(bool, Option<(u16, i64)>)>,
    next_injection: usize,
    drops: Vec<u32>,
    /// Extra delay per segment id; the last entry for an id wins.
    delays: Vec<(u32, u64)>,
    next_id: u32,
    events: Vec<Event>,
    horizon: u64,
    truncated: bool,
    /// Both sides' ports (client, server).
    ports: [u16; 2],
    /// When the path is cut for good.
    cut_at: Option<u64>,
    cut_on_crash: bool,
    numbering: Numbering,
}

impl Sim {
    fn new(sc: &Scenario) -> Result<Sim, ScenarioError> {
        let endpoints =
            [Endpoint::new(sc.endpoint_config(Side::Client)), Endpoint::new(sc.endpoint_config(Side::Server))];
        // The network draws from its own stream, so ISN choices and luck are independent.
        let net =
            Network::new(sc.network.link(Side::Client), sc.network.link(Side::Server), sc.seed ^ 0x6E65_7477_6F72_6B00);
        let script = |side: Side| Script {
            steps: sc.actions.iter().cloned().enumerate().filter(|(_, s)| s.side == side).collect(),
            next: 0,
            due: None,
            ended_before: 0,
        };
        let mut injections = Vec::new();
        let mut inject_more = Vec::new();
        for (k, inj) in sc.network.faults.inject.iter().enumerate() {
            injections.push((inj.at_us, inj.from, sc.inject_segment(inj)?, k));
            if QUEUES {
                inject_more.push((inj.forged, inj.ack.and_then(SeqSpec::echoes)));
            }
        }
        sort_by_time(&mut injections, |(t, ..)| *t);
        Ok(Sim {
            now: 0,
            endpoints,
            net,
            scripts: [script(Side::Client), script(Side::Server)],
            injections,
            inject_more,
            next_injection: 0,
            drops: sc.network.faults.drop.clone(),
            delays: sc.network.faults.delay.iter().map(|d| (d.segment, d.extra_us)).collect(),
            next_id: 1,
            events: Vec::new(),
            horizon: sc.horizon_us,
            truncated: false,
            ports: [sc.port(Side::Client), sc.port(Side::Server)],
            cut_at: sc.network.faults.cut_at_us,
            cut_on_crash: sc.network.faults.cut_on_crash,
            numbering: Numbering::new(),
        })
    }

    fn run(&mut self) {
        loop {
            self.arm_scripts();
            let Some(next) = self.next_time() else { break };
            if next > self.horizon || self.events.len() >= MAX_EVENTS {
                self.truncated = true;
                break;
            }
            self.now = next;
            let now = self.now;
            while let Some((id, dir, seg)) = self.net.pop_due(now) {
                let to = dir.sender().peer();
                self.push(to, EventKind::Deliver { id, dir, segment: seg.clone() });
                self.endpoints[to.index()].handle_segment(now, &seg);
                self.drain(to, Some(id));
                self.arm_scripts();
            }
            for side in Side::BOTH {
                if self.endpoints[side.index()].poll_timeout().is_some_and(|t| t <= now) {
                    self.endpoints[side.index()].handle_timeout(now);
                    self.drain(side, None);
                }
            }
            while let Some((t, from, mut seg, k)) = self.injections.get(self.next_injection).cloned() {
                if t > now {
                    break;
                }
                self.next_injection += 1;
                let (forged, echo) = if QUEUES { self.inject_more[k] } else { (false, None) };
                if let Some((port, offset)) = echo {
                    // An attacker can echo only an ISN it has seen: with none sent to
                    // that port yet, it has nothing to send.
                    let Some(isn) = self.isn_sent(from.peer(), port) else { continue };
                    seg.ack = Some(isn + offset as u32);
                }
                // A segment with another port than `from`'s comes from a host not drawn.
                let reason = if forged {
                    Reason::Forged
                } else if seg.src_port == self.ports[from.index()] {
                    Reason::StaleDuplicate
                } else {
                    Reason::OtherPeer
                };
                let stale = reason == Reason::StaleDuplicate;
                self.send(from, seg, reason, false, stale, None);
            }
            // Steps due now run in the scenario's order (a server listens before a
            // client connects if the scenario says so).
            while let Some(side) = self.first_due_step() {
                self.run_step(side);
            }
        }
        // Sends leave at their departure time, which a busy wire can push later.
        sort_by_time(&mut self.events, |e| e.t_us);
        if QUEUES {
            Numbering::forged(&mut self.events);
        }
    }

    fn next_time(&self) -> Option<u64> {
        let scripts = self.scripts.iter().filter_map(|s| s.due);
        let timers = self.endpoints.iter().filter_map(|e| e.poll_timeout());
        let injection = self.injections.get(self.next_injection).map(|(t, ..)| *t);
        scripts.chain(timers).chain(self.net.next_arrival()).chain(injection).min()
    }

    /// Give each side's next step a due time once its condition holds.
    fn arm_scripts(&mut self) {
        for side in Side::BOTH {
            let ep = &self.endpoints[side.index()];
            let script = &mut self.scripts[side.index()];
            let Some((_, step)) = script.steps.get(script.next) else { continue };
            if script.due.is_some() {
                continue;
            }
            let ready_at = match step.when {
                When::Start => Some(self.now),
                When::AtUs(t) => Some(t.max(self.now)),
                When::Established => ep.ever_established().then_some(self.now),
                When::PeerClosed => ep.peer_closed().then_some(self.now),
                When::Closed => {
                    (ep.state() == State::Closed || ep.connections_ended() > script.ended_before).then_some(self.now)
                }
                // On a connection whose application still reads: after close(), or
                // back in LISTEN, the step waits for the next connection (the old
                // one's count stays readable until then).
                When::Received(n) => {
                    let gone = QUEUES && (ep.state() == State::Listen || ep.app_closed());
                    (ep.received_total() >= n && !gone).then_some(self.now)
                }
            };
            script.due = ready_at.map(|t| t.saturating_add(step.delay_us));
        }
    }

    fn first_due_step(&self) -> Option<Side> {
        Side::BOTH
            .into_iter()
            .filter_map(|side| {
                let script = &self.scripts[side.index()];
                let (place, _) = script.steps.get(script.next)?;
                script.due.is_some_and(|t| t <= self.now).then_some((*place, side))
            })
            .min()
            .map(|(_, side)| side)
    }

    fn run_step(&mut self, side: Side) {
        let now = self.now;
        let ended = self.endpoints[side.index()].connections_ended();
        let script = &mut self.scripts[side.index()];
        let Some((_, step)) = script.steps.get(script.next) else { return };
        let action = step.action();
        script.next += 1;
        script.due = None;
        script.ended_before = ended;
        self.push(side, EventKind::App { app: AppEvent::Call(action.clone()) });
        let ep = &mut self.endpoints[side.index()];
        let result = match &action {
            Action::Listen => ep.listen(now),
            Action::Connect => ep.connect(now),
            Action::Send { data, .. } => ep.send(now, data),
            Action::Shutdown => ep.shutdown(now),
            Action::Close => ep.close(now),
            Action::Abort => ep.abort(now),
            Action::Crash => {
                ep.crash(now);
                if QUEUES && self.cut_on_crash {
                    self.cut_at = Some(self.cut_at.map_or(now, |t| t.min(now)));
                }
                Ok(())
            }
            Action::Accept => ep.accept(now),
            Action::Read => ep.read(now),
        };
        if let Err(e) = result {
            self.push(side, EventKind::App { app: AppEvent::Note(AppNote::Error { message: e.message().into() }) });
        }
        self.drain(side, None);
        self.arm_scripts();
    }

    /// The ISN in the last SYN that `side` sent to `port`.
    fn isn_sent(&self, side: Side, port: u16) -> Option<SeqNum> {
        self.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::Send { segment, .. } if e.side == side && segment.flags.syn && segment.dst_port == port => {
                Some(segment.seq)
            }
            _ => None,
        })
    }

    /// Record what an endpoint noted and hand its segments to the network.
    fn drain(&mut self, side: Side, delivered: Option<u32>) {
        while let Some(note) = self.endpoints[side.index()].poll_note() {
            let kind = match note {
                Note::State { from, to, reason } => EventKind::State { from, to, reason },
                Note::Timer { timer, action } => EventKind::Timer { timer, action },
                Note::Discard { reason } => EventKind::Discard { id: delivered.unwrap_or(0), reason },
                Note::Accept { reason } => EventKind::Accept { id: delivered.unwrap_or(0), reason },
                Note::App(n) => EventKind::App { app: AppEvent::Note(n) },
                Note::Queue { syn_queue, accept_queue, backlog, reason } => {
                    EventKind::Queue { syn_queue, accept_queue, backlog, reason }
                }
            };
            self.push(side, kind);
        }
        while let Some(tx) = self.endpoints[side.index()].poll_transmit() {
            self.send(side, tx.segment, tx.reason, tx.retransmission, false, tx.cookie);
        }
    }

    fn send(
        &mut self,
        from: Side,
        segment: Segment,
        reason: Reason,
        retransmission: bool,
        stale: bool,
        cookie: Option<SynCookie>,
    ) {
        let id = self.next_id;
        self.next_id += 1;
        let dir = Dir::from(from);
        let scripted = self.drops.contains(&id);
        let extra = self.delays.iter().rev().find(|(s, _)| *s == id).map_or(0, |(_, us)| *us);
        let mut fate = self.net.transmit(self.now, dir, scripted, extra);
        // Addressed to a host that is not drawn (another client, or a forged source
        // address): it leaves the picture, whatever the drawn path's loss (it does
        // not take that path), unless the reader lost it. It took its draws like any
        // segment, so the luck of the segments after it does not change.
        if QUEUES
            && segment.dst_port != self.ports[from.peer().index()]
            && !matches!(fate, Fate::Dropped(DropCause::Scripted))
        {
            fate = Fate::Dropped(DropCause::NoHost);
        }
        if QUEUES && self.cut_at.is_some_and(|t| self.now >= t) && !matches!(fate, Fate::Dropped(_)) {
            fate = Fate::Dropped(DropCause::Cut);
        }
        let depart = match &fate {
            Fate::Sent { depart_us, .. } => *depart_us,
            Fate::Dropped(_) => self.now,
        };
        let relative = self.numbering.number(from, &segment);
        let send = EventKind::Send {
            id,
            dir,
            segment: segment.clone(),
            reason,
            retransmission,
            stale,
            relative,
            cookie: cookie.filter(|_| QUEUES),
        };
        self.events.push(Event { t_us: depart, side: from, kind: send });
        match fate {
            Fate::Dropped(cause) => self.push(from, EventKind::Drop { id, dir, cause }),
            Fate::Sent { arrivals, .. } => {
                for (i, at) in arrivals.into_iter().enumerate() {
                    let copy_id = if i == 0 {
                        id
                    } else {
                        let copy = self.next_id;
                        self.next_id += 1;
                        self.events.push(Event {
                            t_us: depart,
                            side: from,
                            kind: EventKind::Duplicate { id, dir, copy },
                        });
                        copy
                    };
                    self.net.schedule(at, dir, copy_id, segment.clone());
                }
            }
        }
    }

    fn push(&mut self, side: Side, kind: EventKind) {
        self.events.push(Event { t_us: self.now, side, kind });
    }

    fn finish_trace(&mut self, sc: &Scenario) -> Trace {
        let isns = sc.isns();
        let info = |side: Side| PeerInfo {
            port: sc.port(side),
            isn: isns[side.index()],
            profile: match side {
                Side::Client => sc.client.profile,
                Side::Server => sc.server.profile,
            },
        };
        let outcome = outcome(&self.endpoints, &self.events, self.truncated, self.now);
        Trace {
            scenario: sc.id.clone(),
            title: sc.title.clone().unwrap_or_else(|| sc.id.clone()),
            handshake: sc.handshake,
            seed: sc.seed,
            client: info(Side::Client),
            server: info(Side::Server),
            events: core::mem::take(&mut self.events),
            outcome,
        }
    }
}

/// Sorts `items` by time, keeping the order of items with the same time. A merge
/// sort written once here: the standard library's sorts add kilobytes of generic
/// code per element type to the module a reader downloads.
fn sort_by_time<T>(items: &mut Vec<T>, time: impl Fn(&T) -> u64) {
    let keys: Vec<u64> = items.iter().map(time).collect();
    if keys.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(stable_order(&keys).into_iter().filter_map(|i| slots[i].take()));
}

/// The indices of `keys` in ascending order, equal keys in their original order
/// (a bottom-up merge sort).
fn stable_order(keys: &[u64]) -> Vec<usize> {
    let n = keys.len();
    let mut from: Vec<usize> = (0..n).collect();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut l, mut r) = (start, mid);
            for slot in &mut to[start..end] {
                // Taking from the left run on ties keeps the sort stable.
                if l < mid && (r >= end || keys[from[l]] <= keys[from[r]]) {
                    *slot = from[l];
                    l += 1;
                } else {
                    *slot = from[r];
                    r += 1;
                }
            }
            start = end;
        }
        core::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// What a reader should take away, derived from the final states and the record.
/// Whether an attacker forged the SYN that the server's connection answers.
#[inline(never)]
fn forged_syn_sent(events: &[Event], server: &Endpoint) -> bool {
    events.iter().any(|e| {
        matches!(&e.kind, EventKind::Send { segment, reason: Reason::Forged, .. }
            if segment.flags.syn && segment.seq == server.irs())
    })
}

fn outcome(eps: &[Endpoint; 2], events: &[Event], truncated: bool, end_us: u64) -> Outcome {
    let [client, server] = eps;
    let mut facts = Vec::new();
    let synced = |e: &Endpoint| e.state().is_synchronized();
    let same_connection = synced(client) && synced(server) && server.irs() == client.iss();
    // Did the client ever really send the SYN that the server's connection answers?
    // (A SYN an attacker forged in its name does not count: see `forged_syn_sent`.)
    let asked = events.iter().any(|e| {
        matches!(&e.kind, EventKind::Send { segment, stale: false, reason, .. }
            if e.side == Side::Client && segment.flags.syn && segment.seq == server.irs()
                && !(QUEUES && *reason == Reason::Forged))
    });
    if QUEUES && server.state() == State::Established && !same_connection && !asked && forged_syn_sent(events, server) {
        facts.push(Fact::ForgedConnection);
    } else if server.state() == State::Established && !same_connection && asked {
        facts.push(Fact::HalfOpenHeld);
    } else if server.state() == State::Established && !same_connection {
        facts.push(Fact::UnwantedConnection);
    } else if client.state() == State::Established && server.state() == State::Established {
        facts.push(Fact::Established);
    }
    let saw = |r: Reason| events.iter().any(|e| matches!(e.kind, EventKind::State { reason, .. } if reason == r));
    // A two-way server committed (its application was told "connected") on a stale
    // SYN, and that connection did not last: the client's reset took it away.
    let stale_ids: Vec<u32> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Send { id, stale: true, .. } => Some(id),
            _ => None,
        })
        .collect();
    let committed_on_stale = events.iter().enumerate().any(|(i, e)| {
        matches!(e.kind, EventKind::State { reason: Reason::TwoWayCommit, .. })
            && events[..i].iter().rev().take_while(|d| d.t_us == e.t_us).any(|d| {
                d.side == Side::Server && matches!(d.kind, EventKind::Deliver { id, .. } if stale_ids.contains(&id))
            })
    });
    if committed_on_stale && !facts.contains(&Fact::UnwantedConnection) {
        facts.push(Fact::UnwantedAccepted);
    }
    if saw(Reason::ResetReturnsToListen) {
        facts.push(Fact::StaleRejected);
    } else if saw(Reason::SynInSynReceived) || saw(Reason::HandshakeTimeoutPassive) {
        facts.push(Fact::UnconfirmedDropped);
    }
    let noted =
        |n: AppNote| events.iter().any(|e| matches!(&e.kind, EventKind::App { app: AppEvent::Note(x) } if *x == n));
    if QUEUES && saw(Reason::KeepaliveTimeout) {
        facts.push(Fact::KeepaliveGaveUp);
    } else if noted(AppNote::TimedOut) {
        facts.push(Fact::TimedOut);
    }
    if noted(AppNote::Refused) {
        facts.push(Fact::Refused);
    } else if noted(AppNote::Reset) && !facts.contains(&Fact::UnwantedAccepted) {
        facts.push(Fact::Reset);
    }
    // A server whose listener took over again after the connection ended closed it too.
    let closed_normally =
        |e: &Endpoint| e.state() == State::Closed || (e.state() == State::Listen && e.connections_ended() > 0);
    if closed_normally(client) && closed_normally(server) && noted(AppNote::Closed) && facts.is_empty() {
        facts.push(Fact::Closed);
    }
    // What the listener's queues did (only a listener with a backlog has them).
    let discarded =
        |r: Reason| events.iter().any(|e| matches!(e.kind, EventKind::Discard { reason, .. } if reason == r));
    if QUEUES && discarded(Reason::SynQueueFull) {
        facts.push(Fact::SynQueueOverflow);
    }
    if QUEUES && saw(Reason::SynCookieAck) {
        facts.push(Fact::CookieConnection);
    }
    if QUEUES && discarded(Reason::AcceptQueueFullAck) {
        facts.push(Fact::AcceptQueueOverflow);
    }
    if saw(Reason::FinWait2Timeout) {
        facts.push(Fact::FinWait2Dropped);
    }
    if truncated && client.state() == State::SynSent && facts.contains(&Fact::UnwantedConnection) {
        // Stopped early (a comparison's horizon): the rest is more of the same.
        facts.push(Fact::ClientLockedOut);
    } else if truncated {
        facts.push(Fact::Truncated);
    }
    Outcome { client: client.state(), server: server.state(), facts, truncated, end_us }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_by_time_keeps_the_order_of_simultaneous_items() {
        let mut items = vec![(5, 'a'), (1, 'b'), (5, 'c'), (0, 'd'), (1, 'e'), (9, 'f'), (5, 'g')];
        sort_by_time(&mut items, |(t, _)| *t);
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (5, 'a'), (5, 'c'), (5, 'g'), (9, 'f')]);
        for n in 0..40u64 {
            let keys: Vec<u64> = (0..n).map(|i| (i * 7919) % 5).collect();
            let order = stable_order(&keys);
            let mut expected: Vec<usize> = (0..n as usize).collect();
            expected.sort_by_key(|&i| keys[i]);
            assert_eq!(order, expected, "n = {n}");
        }
    }
}
