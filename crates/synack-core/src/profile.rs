//! Endpoint profiles and handshake policies: the knobs a scenario sets.

use core::fmt;

use serde::Serialize;

/// How the connection is opened. The same engine runs all three; only the
/// handshake rules change (see `docs/architecture.md`, "Handshake modes").
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Handshake {
    /// The counterfactual: the server is ESTABLISHED as soon as it answers the SYN and
    /// nothing confirms its ISN.
    TwoWay,
    /// TCP (RFC 9293 §3.5).
    #[default]
    ThreeWay,
    /// SYN, ACK, SYN, ACK as four separate segments: the server's ACK and its SYN are
    /// not merged, which costs a segment and gains nothing.
    FourWay,
}

impl Handshake {
    pub const ALL: [Handshake; 3] = [Handshake::TwoWay, Handshake::ThreeWay, Handshake::FourWay];

    pub fn name(self) -> &'static str {
        match self {
            Handshake::TwoWay => "two-way",
            Handshake::ThreeWay => "three-way",
            Handshake::FourWay => "four-way",
        }
    }
}

impl fmt::Display for Handshake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Handshake {
    type Err = ();
    fn from_str(s: &str) -> Result<Handshake, ()> {
        Handshake::ALL.into_iter().find(|h| h.name() == s).ok_or(())
    }
}

/// What a client in SYN-SENT does with an answer that acknowledges an ISN it never
/// sent (the SYN,ACK to an old duplicate SYN, or a challenge ACK).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnexpectedAnswer {
    /// Say nothing: as textbooks tell the two-way story, or (with three or four
    /// segments) as if the client had crashed or its reset were lost.
    Ignore,
    /// As TCP does in SYN-SENT (RFC 9293 §3.10.7.3): answer `<SEQ=SEG.ACK><CTL=RST>`.
    Reset,
}

impl UnexpectedAnswer {
    /// Without a rule chosen: the two-way client ignores (the textbook story),
    /// TCP's clients reset.
    pub fn default_for(handshake: Handshake) -> UnexpectedAnswer {
        match handshake {
            Handshake::TwoWay => UnexpectedAnswer::Ignore,
            _ => UnexpectedAnswer::Reset,
        }
    }
}

/// A named starting point for a [`Profile`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileName {
    /// The RFC's behaviour with no extensions but MSS: textbook segments.
    #[default]
    Rfc,
    /// Linux 6.x defaults: MSS, SACK-permitted, timestamps, window scale, delayed
    /// ACKs with quick-ack at the start, 200 ms minimum RTO, linear SYN timeouts,
    /// a fixed 60 s TIME-WAIT and `tcp_fin_timeout`.
    Linux,
}

impl ProfileName {
    pub fn name(self) -> &'static str {
        match self {
            ProfileName::Rfc => "rfc",
            ProfileName::Linux => "linux",
        }
    }
}

/// The behaviour of one endpoint. Times are in microseconds of virtual time.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct Profile {
    /// Our MSS, announced in the SYN (RFC 9293 §3.7.1).
    pub mss: u16,
    /// The receive window in bytes. The application reads at once, so it never shrinks.
    pub window: u32,
    /// Round the window (at most 65535) down to whole segments of the MSS in use, as
    /// Linux's tcp_select_initial_window does: 64240 = 44 × 1460 in a SYN, 65160 =
    /// 45 × 1448 in a SYN,ACK that answers timestamps.
    pub window_whole_segments: bool,
    /// Our window scale shift, offered in the SYN (RFC 7323 §2).
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub timestamps: bool,
    /// Delay acknowledgments by this long (RFC 9293 §3.8.6.3); `None` ACKs at once.
    pub delayed_ack_us: Option<u64>,
    /// The delay instead while no data has arrived on the connection: Linux's ACK
    /// timeout estimate (`icsk_ack.ato`) is still 0 then, so a delayed ACK (of a
    /// FIN on an idle connection, say) goes at the next timer tick, not after 40 ms.
    pub delayed_ack_idle_us: Option<u64>,
    /// With delayed ACKs: the first this-many data segments are acknowledged at once
    /// (Linux's quick-ack mode at the start of a connection).
    pub quick_acks: u32,
    /// RFC 6298 §2.1: the RTO before any RTT measurement (1 s).
    pub rto_initial_us: u64,
    /// RFC 6298 §2.4: the RTO's floor (1 s in the RFC, 200 ms in Linux).
    pub rto_min_us: u64,
    /// RFC 6298 §2.5: the RTO's ceiling.
    pub rto_max_us: u64,
    /// How many times an active opener's SYN is retransmitted (with doubling
    /// timeouts) before it gives up; Linux's `tcp_syn_retries`.
    pub syn_retries: u32,
    /// The first this-many SYN retransmissions keep the initial RTO instead of
    /// doubling it, and come on top of `syn_retries` (Linux 6.5+'s
    /// `tcp_syn_linear_timeouts`; 0 in the RFC).
    pub syn_linear_timeouts: u32,
    /// How many times a listener's SYN,ACK is retransmitted before the SYN-RECEIVED
    /// entry is dropped; Linux's `tcp_synack_retries`.
    pub synack_retries: u32,
    /// How many times other segments are retransmitted before giving up.
    pub retries: u32,
    /// Maximum segment lifetime (RFC 9293 §3.4.2).
    pub msl_us: u64,
    /// How long TIME-WAIT lasts: 2×MSL in the RFC (§3.10.8), a fixed 60 s on Linux
    /// (`TCP_TIMEWAIT_LEN`, not derived from any MSL).
    pub time_wait_us: u64,
    /// A socket closed by its application (orphaned) in FIN-WAIT-2 is dropped after
    /// this long; Linux's `tcp_fin_timeout`. `None`: it waits for the peer's FIN
    /// forever, as the RFC's state machine does.
    pub fin_timeout_us: Option<u64>,
    /// When a listener's SYN queue is full, answer a SYN with a SYN,ACK whose ISN is a
    /// cookie and keep no state (Linux's `tcp_syncookies`, 1 by default: cookies only
    /// on overflow). Without it a SYN that finds the queue full is dropped.
    pub syncookies: bool,
    /// The application reads what arrives at once. Off, received bytes stay in
    /// the receive buffer unread, and `close()` then resets the connection
    /// (RFC 9293 §3.10.4, RFC 2525 §2.17; Linux `tcp_close`).
    pub app_reads: bool,
    /// The application turned keep-alive on (`SO_KEEPALIVE`; RFC 1122 §4.2.3.6:
    /// off by default).
    pub keepalive: bool,
    /// Idle time before the first keep-alive probe: at least two hours by default
    /// (RFC 1122 §4.2.3.6; Linux `tcp_keepalive_time` 7200 s).
    pub keepalive_idle_us: u64,
    /// Between unanswered probes (Linux `tcp_keepalive_intvl`, 75 s).
    pub keepalive_intvl_us: u64,
    /// Unanswered probes before the connection is given up (Linux `tcp_keepalive_probes`, 9).
    pub keepalive_probes: u32,
    /// A zero-window probe is one octet of new data beyond the window, as RFC 9293
    /// §3.8.6.1 describes it; otherwise (Linux's tcp_write_wakeup) a segment with no
    /// data and SEQ = SND.UNA − 1, which the peer can only answer with an ACK.
    pub zero_window_probe_octet: bool,
    /// The period of the clock in an ISN (RFC 9293 §3.4.1, RFC 6528 §3): 4 µs in the
    /// RFC; 64 ns in Linux (`seq_scale` adds `ktime_get_real_ns() >> 6`).
    pub isn_tick_ns: u64,
    /// RFC 6528: add a keyed hash of the connection's addresses and ports to the
    /// clock, so that one connection's ISN tells nothing of another's. Off, the ISN
    /// is the clock alone, as RFC 793 had it, and any connection's ISN predicts the
    /// next.
    pub isn_hash: bool,
    /// TCP Fast Open (RFC 7413), as Linux's `tcp_fastopen=3`: as a client, data
    /// queued before connect() rides in the SYN with a cached cookie (or the SYN
    /// asks for one); as a server, a SYN that asks gets a cookie in the SYN,ACK, and
    /// one that brings a valid cookie has its data taken at once. Off in both
    /// profiles (Linux's default, 1, enables only the client). Only in the
    /// `queues` build.
    #[cfg(feature = "queues")]
    pub fast_open: bool,
}

pub const SECOND: u64 = 1_000_000;
pub const MILLISECOND: u64 = 1_000;

impl Profile {
    pub fn named(name: ProfileName) -> Profile {
        match name {
            ProfileName::Rfc => Profile::rfc(),
            ProfileName::Linux => Profile::linux(),
        }
    }

    pub fn rfc() -> Profile {
        Profile {
            mss: 1460,
            window: 65535,
            window_whole_segments: false,
            window_scale: None,
            sack_permitted: false,
            timestamps: false,
            delayed_ack_us: None,
            delayed_ack_idle_us: None,
            quick_acks: 0,
            rto_initial_us: SECOND,
            rto_min_us: SECOND,
            rto_max_us: 60 * SECOND,
            // RFC 9293 §3.8.3 (MUST-23): R2 for a SYN must allow retransmission for at
            // least 3 minutes. With RTOs 1, 2, 4, … 32, 60 s, the 7th retransmission
            // leaves at 123 s and the SYN is given up at 183 s.
            syn_retries: 7,
            syn_linear_timeouts: 0,
            synack_retries: 7,
            retries: 8,
            msl_us: 120 * SECOND,
            time_wait_us: 240 * SECOND,
            fin_timeout_us: None,
            syncookies: false,
            app_reads: true,
            keepalive: false,
            keepalive_idle_us: 7200 * SECOND,
            keepalive_intvl_us: 75 * SECOND,
            keepalive_probes: 9,
            zero_window_probe_octet: true,
            isn_tick_ns: 4000,
            isn_hash: true,
            #[cfg(feature = "queues")]
            fast_open: false,
        }
    }

    pub fn linux() -> Profile {
        Profile {
            mss: 1460,
            window: 65535,
            window_whole_segments: true,
            // tcp_rmem's 32 MiB maximum needs a shift of 10 to be reachable.
            window_scale: Some(10),
            sack_permitted: true,
            timestamps: true,
            delayed_ack_us: Some(40 * MILLISECOND),
            // One jiffy at Debian's CONFIG_HZ=250 (measured here: the ACK of a FIN
            // with no data before it came 1.3 to 6.5 ms after the FIN).
            delayed_ack_idle_us: Some(4 * MILLISECOND),
            quick_acks: 8,
            rto_initial_us: SECOND,
            rto_min_us: 200 * MILLISECOND,
            rto_max_us: 120 * SECOND,
            // SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s, connect() failing at
            // 131 s (measured on this kernel: 69 and 135 s, the difference being the
            // timer wheel's slack on long timers).
            syn_retries: 6,
            syn_linear_timeouts: 4,
            synack_retries: 5,
            retries: 15,
            msl_us: 30 * SECOND,
            time_wait_us: 60 * SECOND,
            fin_timeout_us: Some(60 * SECOND),
            syncookies: true,
            app_reads: true,
            keepalive: false,
            keepalive_idle_us: 7200 * SECOND,
            keepalive_intvl_us: 75 * SECOND,
            keepalive_probes: 9,
            zero_window_probe_octet: false,
            isn_tick_ns: 64,
            isn_hash: true,
            #[cfg(feature = "queues")]
            fast_open: false,
        }
    }
}

impl Default for Profile {
    fn default() -> Profile {
        Profile::rfc()
    }
}
