//! Scenarios: a declarative, JSON-(de)serialisable description of a run — two
//! endpoints, the handshake mode, what each application does and when, and the
//! network with its faults. See `docs/scenario-format.md`.

use core::fmt;

use crate::prelude::*;

use serde::Serialize;

// Re-exported where they were first defined, so `scenario::Action` still works.
pub use crate::action::{Action, ActionKind};
use crate::endpoint::EndpointConfig;
use crate::net::Link;
use crate::profile::{Handshake, Profile, ProfileName, UnexpectedAnswer};
use crate::rng::Rng;
use crate::segment::{Flags, Segment};
use crate::seq::SeqNum;
use crate::side::Side;

/// Limits that keep any run small and finite, whatever the input.
pub const MAX_ACTIONS: usize = 200;
pub const MAX_SEND_BYTES: u64 = 1 << 20;
pub const MAX_TEXT: usize = 64 * 1024;
pub const MAX_FAULTS: usize = 1000;
pub const MAX_HORIZON_US: u64 = 24 * 3600 * 1_000_000;
pub const DEFAULT_HORIZON_US: u64 = 3600 * 1_000_000;
pub const MAX_EVENTS: usize = 20_000;
const MAX_DELAY_US: u64 = 3600 * 1_000_000;

pub const DEFAULT_CLIENT_PORT: u16 = 49152;
pub const DEFAULT_SERVER_PORT: u16 = 80;

#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Scenario {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub handshake: Handshake,
    /// The client's rule for answers to a SYN it never sent; `None` is
    /// [`UnexpectedAnswer::default_for`] the handshake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unexpected_answer: Option<UnexpectedAnswer>,
    /// Chooses the ISNs that the endpoints do not fix, and the network's luck.
    pub seed: u64,
    pub client: EndpointSpec,
    pub server: EndpointSpec,
    pub network: NetworkSpec,
    pub actions: Vec<Step>,
    /// Stop the run at this virtual time even if timers are still pending.
    pub horizon_us: u64,
}

/// One endpoint: a profile and the few values a scenario usually changes.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct EndpointSpec {
    pub port: Option<u16>,
    /// The ISN of the first connection; without it the seed chooses one.
    pub isn: Option<u32>,
    pub profile: ProfileName,
    pub mss: Option<u16>,
    pub window: Option<u32>,
    pub window_scale: Option<u8>,
    pub timestamps: Option<bool>,
    pub sack_permitted: Option<bool>,
    /// 0 turns delayed ACKs off.
    pub delayed_ack_us: Option<u64>,
    pub syn_retries: Option<u32>,
    pub retries: Option<u32>,
    pub rto_initial_us: Option<u64>,
    pub msl_us: Option<u64>,
    /// How long TIME-WAIT lasts, overriding 2×MSL; 0 is the counterfactual of no
    /// TIME-WAIT at all (the comparison `no-time-wait`).
    pub time_wait_us: Option<u64>,
    /// The backlog of `listen()`: bounds the SYN queue and the accept queue (each
    /// holds backlog + 1 entries, as Linux counts). `None`: unbounded, and every
    /// connection is taken by the application as soon as it is established.
    pub backlog: Option<u32>,
    /// Linux's `tcp_syncookies` (see [`Profile::syncookies`]).
    pub syncookies: Option<bool>,
    /// Linux's `tcp_synack_retries`.
    pub synack_retries: Option<u32>,
    /// `false`: the application never reads, so received bytes stay unread.
    pub reads: Option<bool>,
    /// Keep-alive on (`SO_KEEPALIVE`), with the profile's times unless given.
    pub keepalive: Option<bool>,
    pub keepalive_idle_us: Option<u64>,
    pub keepalive_intvl_us: Option<u64>,
    pub keepalive_probes: Option<u32>,
    /// `false`: the ISN is the clock alone (RFC 793), without RFC 6528's keyed hash
    /// of the connection's ports (see [`Profile::isn_hash`]).
    pub isn_hash: Option<bool>,
    /// TCP Fast Open on (RFC 7413; Linux `tcp_fastopen=3`, see [`Profile::fast_open`]).
    /// A client's `send` before its `connect` is then one `sendto(MSG_FASTOPEN)`.
    /// Only in the `queues` build.
    #[cfg(feature = "queues")]
    pub fast_open: Option<bool>,
}

impl EndpointSpec {
    pub fn profile(&self) -> Profile {
        let mut p = Profile::named(self.profile);
        if let Some(v) = self.mss {
            p.mss = v;
        }
        if let Some(v) = self.window {
            p.window = v;
            // A buffer set by the application (SO_RCVBUF) is all the window there will
            // be: the scale offered is only what it needs (Linux
            // tcp_select_initial_window), 0 for a window that fits 16 bits.
            // (No scenario of the lean module sets a window: it leaves this out.)
            if let (true, Some(ws)) = (crate::QUEUES, p.window_scale.as_mut()) {
                *ws = (0..14u8).find(|&s| v >> s <= 65535).unwrap_or(14);
            }
        }
        if let Some(v) = self.window_scale {
            p.window_scale = Some(v);
        }
        if let Some(v) = self.timestamps {
            p.timestamps = v;
        }
        if let Some(v) = self.sack_permitted {
            p.sack_permitted = v;
        }
        if let Some(v) = self.delayed_ack_us {
            p.delayed_ack_us = (v > 0).then_some(v);
        }
        if let Some(v) = self.syn_retries {
            p.syn_retries = v;
        }
        if let Some(v) = self.retries {
            p.retries = v;
        }
        if let Some(v) = self.rto_initial_us {
            p.rto_initial_us = v;
            p.rto_min_us = p.rto_min_us.min(v);
        }
        if let Some(v) = self.msl_us {
            p.msl_us = v;
            p.time_wait_us = 2 * v;
        }
        if let Some(v) = self.time_wait_us {
            p.time_wait_us = v;
        }
        if crate::QUEUES {
            if let Some(v) = self.syncookies {
                p.syncookies = v;
            }
            if let Some(v) = self.synack_retries {
                p.synack_retries = v;
            }
            if let Some(v) = self.reads {
                p.app_reads = v;
            }
            if let Some(v) = self.keepalive {
                p.keepalive = v;
            }
            if let Some(v) = self.keepalive_idle_us {
                p.keepalive_idle_us = v;
            }
            if let Some(v) = self.keepalive_intvl_us {
                p.keepalive_intvl_us = v;
            }
            if let Some(v) = self.keepalive_probes {
                p.keepalive_probes = v;
            }
            if let Some(v) = self.isn_hash {
                p.isn_hash = v;
            }
            #[cfg(feature = "queues")]
            if let Some(v) = self.fast_open {
                p.fast_open = v;
            }
        }
        p
    }
}

/// The path: `link` sets both directions, `c2s` / `s2c` override one.
#[derive(Clone, PartialEq, Debug, Default, Serialize)]
pub struct NetworkSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub c2s: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s2c: Option<Link>,
    #[serde(skip_serializing_if = "Faults::is_empty")]
    pub faults: Faults,
}

impl NetworkSpec {
    pub fn link(&self, side: Side) -> Link {
        let specific = match side {
            Side::Client => &self.c2s,
            Side::Server => &self.s2c,
        };
        specific.clone().or_else(|| self.link.clone()).unwrap_or_default()
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct Faults {
    /// Lose these segments (numbered from 1 in the order sent).
    pub drop: Vec<u32>,
    /// Hold these segments back.
    pub delay: Vec<DelayFault>,
    /// Old duplicates to put on the wire.
    pub inject: Vec<Inject>,
    /// From this time on the path is cut both ways (a peer powered off, a cable
    /// pulled): every segment sent is lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_at_us: Option<u64>,
    /// A host that crashes loses power: from its crash on, the path is cut.
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub cut_on_crash: bool,
}

impl Faults {
    pub fn is_empty(&self) -> bool {
        self.drop.is_empty()
            && self.delay.is_empty()
            && self.inject.is_empty()
            && self.cut_at_us.is_none()
            && !self.cut_on_crash
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct DelayFault {
    pub segment: u32,
    pub extra_us: u64,
}

/// A stale segment that `from` seems to send at `at_us` (say, an old SYN from an
/// earlier incarnation, released by a slow router). It travels like any segment.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Inject {
    pub at_us: u64,
    pub from: Side,
    /// `["SYN"]`, `["FIN","ACK"]`, …; `ACK` needs `ack`.
    pub flags: Vec<String>,
    pub seq: SeqSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack: Option<SeqSpec>,
    pub len: u16,
    /// The source port of a forged segment: a SYN flood's spoofed sources are no
    /// endpoint of the scenario, only segments put on the wire in `from`'s direction.
    /// Without it the segment carries `from`'s own port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Sent by an attacker elsewhere with `from`'s own address and port as its
    /// source (IP spoofing): drawn from the attacker's point, not `from`'s lifeline.
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub forged: bool,
}

/// A sequence number: absolute, or relative to an ISN (the sender's for `seq`, the
/// receiver's for `ack`), since the seed may choose the ISNs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(untagged)]
pub enum SeqSpec {
    Absolute(u32),
    Relative(IsnOffset),
}

/// `{"isn_offset": -10}`: ten below the ISN. With `isn_sent_to` (an `ack` only),
/// the ISN is the one the receiver last sent in a SYN to that port, as seen on the
/// wire when the injection leaves: what an attacker learns from a SYN,ACK it got.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct IsnOffset {
    pub isn_offset: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isn_sent_to: Option<u16>,
}

impl SeqSpec {
    /// Relative to an ISN: `SeqSpec::offset(-10)`.
    pub fn offset(isn_offset: i64) -> SeqSpec {
        SeqSpec::Relative(IsnOffset { isn_offset, isn_sent_to: None })
    }

    /// Relative to the ISN the receiver last sent to `port`: `SeqSpec::echo(40001, 1)`
    /// acknowledges the SYN,ACK that went to port 40001.
    pub fn echo(port: u16, isn_offset: i64) -> SeqSpec {
        SeqSpec::Relative(IsnOffset { isn_offset, isn_sent_to: Some(port) })
    }

    /// The port whose ISN this echoes, and the offset from it.
    pub fn echoes(self) -> Option<(u16, i64)> {
        match self {
            SeqSpec::Relative(IsnOffset { isn_offset, isn_sent_to: Some(port) }) => Some((port, isn_offset)),
            _ => None,
        }
    }

    fn resolve(self, isn: u32) -> SeqNum {
        match self {
            SeqSpec::Absolute(n) => SeqNum(n),
            SeqSpec::Relative(r) => SeqNum(isn.wrapping_add(r.isn_offset as u32)),
        }
    }
}

/// One application action. A side runs its steps in order; each waits for `when`,
/// then `delay_us` more.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Step {
    pub side: Side,
    #[serde(skip_serializing_if = "When::is_start")]
    pub when: When,
    #[serde(skip_serializing_if = "is_zero")]
    pub delay_us: u64,
    #[serde(rename = "do")]
    pub action: ActionKind,
    /// For `send`: this many generated bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u32>,
    /// For `send`: this text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// When a step may run.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// As soon as the previous step of this side has run.
    #[default]
    Start,
    /// This side's connection reached ESTABLISHED.
    Established,
    /// This side received the peer's FIN.
    PeerClosed,
    /// This side is in CLOSED.
    Closed,
    /// This side has received at least this many bytes.
    Received(u64),
    /// At this virtual time (or at once, if it has passed).
    #[serde(rename = "at_us")]
    AtUs(u64),
}

impl When {
    fn is_start(&self) -> bool {
        *self == When::Start
    }
}

impl Step {
    pub fn new(side: Side, when: When, action: ActionKind) -> Step {
        Step { side, when, delay_us: 0, action, bytes: None, text: None }
    }
    pub fn after(mut self, delay_us: u64) -> Step {
        self.delay_us = delay_us;
        self
    }
    pub fn text(side: Side, when: When, text: &str) -> Step {
        Step { text: Some(text.into()), ..Step::new(side, when, ActionKind::Send) }
    }
    pub fn bytes(side: Side, when: When, n: u32) -> Step {
        Step { bytes: Some(n), ..Step::new(side, when, ActionKind::Send) }
    }

    /// The action this step performs. Generated bytes count 0, 1, 2, … (mod 256), so
    /// tests can tell each byte's place in the stream.
    pub fn action(&self) -> Action {
        match self.action {
            ActionKind::Listen => Action::Listen,
            ActionKind::Connect => Action::Connect,
            ActionKind::Send => {
                let mut data = self.text.clone().unwrap_or_default().into_bytes();
                data.extend((0..self.bytes.unwrap_or(0)).map(|i| i as u8));
                Action::Send { len: data.len(), text: self.text.clone(), data }
            }
            ActionKind::Shutdown => Action::Shutdown,
            ActionKind::Close => Action::Close,
            ActionKind::Abort => Action::Abort,
            ActionKind::Crash => Action::Crash,
            ActionKind::Accept => Action::Accept,
            ActionKind::Read => Action::Read,
        }
    }
}

/// A scenario that cannot run, with what is wrong in words a reader can act on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ScenarioError(pub String);

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for ScenarioError {}

/// Fails validation with a message built from its parts (see `text`: no
/// `format!`, so that the browser's module carries no formatting machinery).
macro_rules! bail {
    ($($part:expr),* $(,)?) => { return Err(ScenarioError($crate::text![$($part),*])) };
}

impl Scenario {
    /// Whether the run uses what only synack-core's `queues` feature models: a
    /// listener's backlog, an application that does not read, keep-alive, a cut
    /// path, a segment from a host the diagram does not draw, or TCP Fast Open.
    pub fn needs_queues(&self) -> bool {
        #[cfg(feature = "queues")]
        let fast_open = |e: &EndpointSpec| e.fast_open == Some(true);
        #[cfg(not(feature = "queues"))]
        let fast_open = |_: &EndpointSpec| false;
        let side = |e: &EndpointSpec| {
            e.backlog.is_some() || e.reads == Some(false) || e.keepalive == Some(true) || fast_open(e)
        };
        let f = &self.network.faults;
        side(&self.client)
            || side(&self.server)
            || f.cut_at_us.is_some()
            || f.cut_on_crash
            || f.inject.iter().any(|i| i.port.is_some() || i.forged || i.ack.and_then(SeqSpec::echoes).is_some())
    }

    /// Check everything a run relies on; the error names the field and the limit.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.id.is_empty() || self.id.len() > 64 {
            bail!("scenario id must be 1 to 64 characters");
        }
        for (side, spec) in [(Side::Client, &self.client), (Side::Server, &self.server)] {
            spec.validate(side)?;
        }
        // Without the feature those fields would be ignored; no catalogue entry of such
        // a build sets them (their entries are compiled out), and it reads no objects.
        debug_assert!(crate::QUEUES || !self.needs_queues(), "this scenario needs synack-core's queues feature");
        if self.port(Side::Client) == self.port(Side::Server) {
            bail!("client and server need different ports (both are ", self.port(Side::Client), ")");
        }
        for side in Side::BOTH {
            let own = match side {
                Side::Client => self.network.c2s.is_some(),
                Side::Server => self.network.s2c.is_some(),
            };
            let name = match (side, own || self.network.link.is_none()) {
                (Side::Client, true) => "network.c2s",
                (Side::Server, true) => "network.s2c",
                (_, false) => "network.link",
            };
            validate_link(name, &self.network.link(side))?;
        }
        if self.actions.is_empty() {
            bail!("actions: a scenario needs at least one action (say, the client's connect)");
        }
        if self.actions.len() > MAX_ACTIONS {
            bail!("actions: at most ", MAX_ACTIONS, " actions, found ", self.actions.len());
        }
        let mut sent: u64 = 0;
        for (i, step) in self.actions.iter().enumerate() {
            let n = i + 1;
            if step.delay_us > MAX_DELAY_US {
                bail!("action ", n, ": delay_us must be at most ", MAX_DELAY_US, " (one hour)");
            }
            if let When::AtUs(t) = step.when {
                if t > self.horizon_us {
                    bail!("action ", n, ": at_us ", t, " is after the horizon (", self.horizon_us, " µs)");
                }
            }
            match step.action {
                ActionKind::Send => {
                    if step.text.is_none() && step.bytes.is_none() {
                        bail!("action ", n, ": send needs \"text\" or \"bytes\"");
                    }
                    let len = step.text.as_ref().map_or(0, |t| t.len());
                    if len > MAX_TEXT {
                        bail!("action ", n, ": text is ", len, " bytes, at most ", MAX_TEXT);
                    }
                    sent += len as u64 + u64::from(step.bytes.unwrap_or(0));
                    if sent > MAX_SEND_BYTES {
                        bail!("actions send more than ", MAX_SEND_BYTES, " bytes in all");
                    }
                }
                _ if step.text.is_some() || step.bytes.is_some() => {
                    bail!("action ", n, ": only send takes \"text\" or \"bytes\"");
                }
                _ => {}
            }
        }
        if !(1..=MAX_HORIZON_US).contains(&self.horizon_us) {
            bail!("horizon_us must be between 1 and ", MAX_HORIZON_US, " (24 hours)");
        }
        let f = &self.network.faults;
        if f.drop.len() + f.delay.len() + f.inject.len() > MAX_FAULTS {
            bail!("network.faults: at most ", MAX_FAULTS, " faults");
        }
        if f.drop.contains(&0) || f.delay.iter().any(|d| d.segment == 0) {
            bail!("network.faults: segments are numbered from 1");
        }
        if let Some(d) = f.delay.iter().find(|d| d.extra_us > MAX_DELAY_US) {
            bail!("network.faults.delay: extra_us ", d.extra_us, " is more than an hour");
        }
        for (i, inj) in f.inject.iter().enumerate() {
            self.inject_segment(inj)
                .map_err(|e| ScenarioError(crate::text!["network.faults.inject[", i, "]: ", e.0]))?;
            if inj.at_us > self.horizon_us {
                bail!("network.faults.inject[", i, "]: at_us is after the horizon");
            }
        }
        Ok(())
    }

    pub fn port(&self, side: Side) -> u16 {
        let (spec, default) = match side {
            Side::Client => (&self.client, DEFAULT_CLIENT_PORT),
            Side::Server => (&self.server, DEFAULT_SERVER_PORT),
        };
        spec.port.unwrap_or(default)
    }

    /// Both sides' first ISNs: fixed ones as given, the others from the seed.
    pub fn isns(&self) -> [u32; 2] {
        let mut rng = Rng::new(self.seed);
        let drawn = [rng.next_u32(), rng.next_u32()];
        [self.client.isn.unwrap_or(drawn[0]), self.server.isn.unwrap_or(drawn[1])]
    }

    pub fn endpoint_config(&self, side: Side) -> EndpointConfig {
        let spec = match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        };
        EndpointConfig {
            local_port: self.port(side),
            remote_port: self.port(side.peer()),
            isn: self.isns()[side.index()],
            profile: spec.profile(),
            backlog: spec.backlog,
            handshake: self.handshake,
            unexpected_answer: self.unexpected_answer.unwrap_or(UnexpectedAnswer::default_for(self.handshake)),
        }
    }

    /// The segment an injection puts on the wire.
    pub fn inject_segment(&self, inj: &Inject) -> Result<Segment, ScenarioError> {
        let mut flags = Flags::NONE;
        let mut ack_bit = false;
        for f in &inj.flags {
            match f.to_ascii_uppercase().as_str() {
                "SYN" => flags.syn = true,
                "FIN" => flags.fin = true,
                "RST" => flags.rst = true,
                "PSH" => flags.psh = true,
                "ACK" => ack_bit = true,
                other => bail!("unknown flag \"", other, "\" (use SYN, FIN, RST, PSH, ACK)"),
            }
        }
        if ack_bit != inj.ack.is_some() {
            bail!("the ACK flag and an \"ack\" value go together");
        }
        let isns = self.isns();
        let from = inj.from;
        if crate::QUEUES && (inj.port == Some(0) || inj.port.is_some_and(|p| p == self.port(from.peer()))) {
            bail!("port must be between 1 and 65535 and not the receiver's own");
        }
        if crate::QUEUES && inj.forged && inj.port.is_some() {
            bail!("a forged segment carries the sender's own port: leave out port, or forged");
        }
        if crate::QUEUES
            && (inj.seq.echoes().is_some() || inj.ack.and_then(SeqSpec::echoes).is_some_and(|(p, _)| p == 0))
        {
            bail!("isn_sent_to belongs in ack, and names a port from 1 to 65535");
        }
        Ok(Segment {
            src_port: inj.port.filter(|_| crate::QUEUES).unwrap_or(self.port(from)),
            dst_port: self.port(from.peer()),
            seq: inj.seq.resolve(isns[from.index()]),
            ack: inj.ack.map(|a| a.resolve(isns[from.peer().index()])),
            flags,
            window: 65535,
            options: Default::default(),
            payload: (0..inj.len).map(|i| i as u8).collect(),
        })
    }
}

impl EndpointSpec {
    fn validate(&self, side: Side) -> Result<(), ScenarioError> {
        let p = self.profile();
        if self.port == Some(0) {
            bail!(side.name(), ".port must be between 1 and 65535");
        }
        if p.mss < 64 {
            bail!(side.name(), ".mss must be at least 64, found ", p.mss);
        }
        if !(1..=1 << 30).contains(&p.window) {
            bail!(side.name(), ".window must be between 1 and 2^30 bytes");
        }
        if p.window_scale.is_some_and(|s| s > 14) {
            bail!(side.name(), ".window_scale must be at most 14 (RFC 7323 §2.3)");
        }
        if p.syn_retries > 20 || p.retries > 30 || p.synack_retries > 20 {
            bail!(side.name(), ": syn_retries and synack_retries at most 20, retries at most 30");
        }
        if crate::QUEUES {
            if !(1..=MAX_HORIZON_US).contains(&p.keepalive_idle_us)
                || !(1..=MAX_HORIZON_US).contains(&p.keepalive_intvl_us)
                || p.keepalive_probes > 30
            {
                bail!(side.name(), ": keep-alive times between 1 µs and 24 hours, at most 30 probes");
            }
            if self.backlog.is_some_and(|b| b > 1000) {
                bail!(side.name(), ".backlog must be at most 1000");
            }
        }
        if !(1_000..=60_000_000).contains(&p.rto_initial_us) {
            bail!(side.name(), ".rto_initial_us must be between 1 ms and 60 s");
        }
        if !(1..=600_000_000).contains(&p.msl_us) {
            bail!(side.name(), ".msl_us must be between 1 µs and 10 minutes");
        }
        if p.time_wait_us > 600_000_000 {
            bail!(side.name(), ".time_wait_us must be at most 10 minutes");
        }
        if p.delayed_ack_us.is_some_and(|d| d > 500_000) {
            bail!(side.name(), ".delayed_ack_us must be at most 500 ms (RFC 9293 §3.8.6.3)");
        }
        Ok(())
    }
}

fn validate_link(dir: &str, link: &Link) -> Result<(), ScenarioError> {
    for (name, p) in [("loss", link.loss), ("duplicate", link.duplicate), ("reorder", link.reorder)] {
        if !(0.0..=1.0).contains(&p) {
            // No float formatting: it would cost the browser build 15 KB.
            bail!(dir, ".", name, " must be a probability between 0 and 1");
        }
    }
    for (name, v) in [
        ("latency_us", link.latency_us),
        ("jitter_us", link.jitter_us),
        ("reorder_delay_us", link.reorder_delay_us),
        ("tx_time_us", link.tx_time_us),
    ] {
        if v > 60_000_000 {
            bail!(dir, ".", name, " must be at most 60 s, found ", v, " µs");
        }
    }
    Ok(())
}
