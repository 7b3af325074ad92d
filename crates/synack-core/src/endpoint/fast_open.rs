//! TCP Fast Open (RFC 7413), as Linux's `tcp_fastopen=3`: a client's data queued
//! before connect() rides in the SYN with a cookie the server gave it earlier,
//! and the server takes it at once. Only the `queues` build has it: the
//! browser's lean module leaves it out, fields and all.

use crate::prelude::*;

use super::{Endpoint, MAX_OPTION_SPACE};
use crate::reason::Reason;
use crate::segment::{FastOpenCookie, Segment};
use crate::seq::SeqNum;
use crate::state::State;

/// Linux's Fast Open cookie length (TCP_FASTOPEN_COOKIE_SIZE; 8 bytes in every
/// SYN,ACK of fast-open.pcap).
const COOKIE_LEN: usize = 8;

/// What a host keeps across its connections.
#[derive(Debug, Default)]
pub(super) struct Host {
    /// Data the application sent before connect(): the next connect() takes it,
    /// as one sendto(MSG_FASTOPEN) (RFC 7413 §4.2).
    pub(super) early_data: Vec<u8>,
    /// The client's cookie cache (RFC 7413 §4.1.3; Linux's tcp metrics): the
    /// cookie the server last gave and the MSS it announced with it.
    cache: Option<(FastOpenCookie, u16)>,
    /// Times this host crashed: a server's key is drawn anew at each boot, so a
    /// cookie from before a crash no longer checks (RFC 7413 §4.1.2).
    boots: u32,
    /// A cookie a server takes as valid besides its own
    /// ([`Endpoint::trust_fast_open_cookie`]).
    trusted: Option<FastOpenCookie>,
}

impl Host {
    /// A crash (a reboot): the cache, unsent data and the key are gone.
    pub(super) fn forget(&mut self) {
        self.cache = None;
        self.early_data.clear();
        self.boots += 1;
    }
}

/// What one connection records of it.
#[derive(Debug, Default)]
pub(super) struct Conn {
    /// The option our first SYN (or SYN,ACK) carries: a cookie, or an empty
    /// request (RFC 7413 §4.1.1). A resent SYN,ACK goes without it.
    pub(super) option: Option<FastOpenCookie>,
    /// Bytes of data our SYN carried.
    syn_data: u32,
    /// Opened with sendto(MSG_FASTOPEN): its data waits for the handshake, and
    /// the third segment carries it with the ACK.
    client: bool,
    /// A passive connection whose SYN brought a valid cookie: its data was taken
    /// in SYN-RECEIVED, and it may send before the handshake's last ACK.
    pub(super) passive: bool,
}

impl Endpoint {
    /// The client's cookie cache, as an earlier connection to this server would
    /// have left it: the cookie, and the MSS the server announced with it. (A
    /// capture's observer uses it for a connection whose cookie came before the
    /// capture began.)
    pub fn cache_fast_open_cookie(&mut self, cookie: FastOpenCookie, mss: u16) {
        self.fo.cache = Some((cookie, mss));
    }

    /// The cookie cached for the server, if any (RFC 7413 §4.1.3).
    pub fn fast_open_cookie(&self) -> Option<FastOpenCookie> {
        self.fo.cache.map(|(c, _)| c)
    }

    /// A server takes this cookie as valid besides the one it computes: one its
    /// real counterpart issued under a key the engine cannot know (a capture's
    /// observer, when the capture shows the server took the cookie).
    pub fn trust_fast_open_cookie(&mut self, cookie: FastOpenCookie) {
        self.fo.trusted = Some(cookie);
    }

    /// A send() in CLOSED on a Fast Open client: the data waits for connect().
    pub(super) fn send_early(&mut self, data: &[u8]) -> bool {
        let early = self.state == State::Closed && self.cfg.profile.fast_open && !self.listener;
        if early {
            self.fo.early_data.extend_from_slice(data);
        }
        early
    }

    /// connect() after data was sent from CLOSED: together, Linux's
    /// sendto(MSG_FASTOPEN) (tcp_send_syn_data). With a cookie cached the SYN
    /// carries it and as much of the data as fits in the MSS less the 40 bytes
    /// options may take (RFC 7413 §4.2); without one the SYN asks for a cookie
    /// (§4.2.1) and the data waits for the handshake. False, and nothing sent,
    /// when no data waits.
    #[inline(never)]
    pub(super) fn connect_fast_open(&mut self) -> bool {
        if self.fo.early_data.is_empty() {
            return false;
        }
        let data = core::mem::take(&mut self.fo.early_data);
        self.tcb.sendq.extend(data);
        self.tcb.fo.client = true;
        let Some((cookie, mss)) = self.fo.cache else {
            self.tcb.fo.option = Some(FastOpenCookie::REQUEST);
            self.emit_syn(false, Reason::FastOpenCookieRequest, false);
            return true;
        };
        self.tcb.fo.option = Some(cookie);
        let room = usize::from(self.cfg.profile.mss.min(mss).saturating_sub(MAX_OPTION_SPACE));
        let len = self.tcb.sendq.len().min(room);
        let mut seg = self.syn_segment(false, false);
        seg.payload = self.queued(0, len);
        self.tcb.fo.syn_data = len as u32;
        self.tcb.snd_nxt = self.tcb.iss + 1 + len as u32;
        self.queue(seg, Reason::FastOpenSynData, false);
        true
    }

    /// A listener's SYN (RFC 7413 §4.1.2, §4.2.2; Linux tcp_try_fastopen), with
    /// Fast Open on: a request gets a cookie in the SYN,ACK; a valid cookie makes
    /// this a Fast Open connection, whose data is taken at once and whose SYN,ACK
    /// carries no cookie; an invalid one gets the valid cookie, and its data is
    /// dropped (the SYN,ACK acknowledges the SYN only, and the client sends the
    /// data again). The reason for the move to SYN-RECEIVED.
    #[inline(never)]
    pub(super) fn fast_open_syn(&mut self, seg: &Segment) -> Reason {
        let Some(theirs) = seg.options.fast_open.filter(|_| self.cfg.profile.fast_open) else {
            return Reason::SynInListen;
        };
        let ours = self.fast_open_cookie_for(seg.src_port);
        if theirs == ours || !theirs.is_request() && self.fo.trusted == Some(theirs) {
            self.tcb.fo.passive = true;
            return Reason::FastOpenAccepted;
        }
        self.tcb.fo.option = Some(ours);
        if theirs.is_request() {
            Reason::FastOpenCookieSent
        } else {
            Reason::FastOpenCookieInvalid
        }
    }

    /// In SYN-RECEIVED on a valid cookie (RFC 7413 §4.2.2): the SYN's data goes to
    /// the application now, and the SYN,ACK acknowledges it.
    pub(super) fn take_syn_data(&mut self, seg: &Segment) {
        if self.tcb.fo.passive && !seg.payload.is_empty() {
            let n = seg.payload.len().min(self.tcb.rcv_wnd as usize);
            self.accept_data(&seg.payload[..n]);
        }
    }

    /// The SYN,ACK that answers our SYN (RFC 7413 §4.1.3, §4.2; Linux
    /// tcp_rcv_fastopen_synack): cache a cookie it carries, if ours asked for one
    /// or brought one, and if it acknowledges the SYN but not the data that rode
    /// in it, send that data again now. The reason for the move to ESTABLISHED,
    /// and whether data goes at once, carrying the ACK (after sendto(MSG_FASTOPEN)
    /// Linux's writer waits, sk_write_pending, and no bare ACK goes:
    /// fast-open.pcap).
    #[inline(never)]
    pub(super) fn fast_open_syn_ack(&mut self, seg: &Segment) -> (Reason, bool) {
        let mut reason = Reason::SynAckReceived;
        if self.tcb.fo.option.is_some() {
            if let Some(cookie) = seg.options.fast_open.filter(|c| !c.is_request()) {
                self.fo.cache = Some((cookie, self.tcb.peer_mss));
                reason = Reason::FastOpenCookieCached;
            }
        }
        if self.tcb.fo.syn_data > 0 {
            if self.tcb.snd_una == self.tcb.iss + 1 {
                self.tcb.resend_below = Some(self.tcb.snd_nxt);
                self.tcb.snd_nxt = self.tcb.snd_una;
                self.tcb.rtt_probe = None; // Karn: the data goes a second time.
                reason = Reason::FastOpenDataResent;
            } else {
                reason = Reason::FastOpenDataAcked;
            }
        }
        let offset = self.tcb.snd_nxt.since(self.tcb.buf_seq).max(0) as usize;
        let unsent = self.tcb.sendq.len() > offset;
        (reason, self.tcb.fo.client && unsent && self.tcb.snd_wnd > 0)
    }

    /// Why new data goes: the SYN's data sent again after a SYN,ACK that did not
    /// acknowledge it, or plain data.
    pub(super) fn data_reason(&self, again: bool, seq: SeqNum) -> Reason {
        if again && seq < self.tcb.iss + 1 + self.tcb.fo.syn_data {
            Reason::FastOpenDataResent
        } else {
            Reason::Data
        }
    }

    /// This server's cookie for the client at `port` (RFC 7413 §4.1.2: a MAC of
    /// the client's address under a secret key; Linux: a siphash of the addresses,
    /// keyed at boot, 8 bytes). Here the peer's port stands for its address (each
    /// peer a scenario draws or injects has its own), and the key is derived from
    /// the configured ISN and the boot count, so runs repeat and a crash changes it.
    fn fast_open_cookie_for(&self, port: u16) -> FastOpenCookie {
        let key = u64::from(self.cfg.isn) << 32 | u64::from(self.fo.boots) << 16 | u64::from(self.cfg.local_port);
        let mut z = (key ^ u64::from(port) << 48).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        FastOpenCookie::new(&z.to_be_bytes()[..COOKIE_LEN]).unwrap_or(FastOpenCookie::REQUEST)
    }
}
