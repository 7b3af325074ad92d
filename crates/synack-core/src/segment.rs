//! TCP segments as plain data (RFC 9293 §3.1).

use crate::prelude::*;
use core::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::seq::SeqNum;

/// The control bits a scenario can set. ACK is not here: a segment carries the ACK
/// bit exactly when [`Segment::ack`] is `Some`, so the two can never disagree.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug, Serialize)]
pub struct Flags {
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub psh: bool,
}

impl Flags {
    pub const NONE: Flags = Flags { syn: false, fin: false, rst: false, psh: false };
    pub const SYN: Flags = Flags { syn: true, ..Flags::NONE };
    pub const FIN: Flags = Flags { fin: true, ..Flags::NONE };
    pub const RST: Flags = Flags { rst: true, ..Flags::NONE };
}

/// TCP options the engine understands (RFC 9293 §3.2, RFC 7323, RFC 2018).
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug, Serialize)]
pub struct TcpOptions {
    /// Maximum segment size: only on SYN segments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mss: Option<u16>,
    /// Window scale shift count: only on SYN segments (RFC 7323 §2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_scale: Option<u8>,
    /// SACK permitted: only on SYN segments (RFC 2018).
    #[serde(skip_serializing_if = "is_false")]
    pub sack_permitted: bool,
    /// Timestamps: (TSval, TSecr) (RFC 7323 §3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<(u32, u32)>,
    /// TCP Fast Open (RFC 7413 §4.1.1, kind 34): only on SYN segments. An empty
    /// cookie asks the server for one. (Only synack-core's `queues` build has it.)
    #[cfg(feature = "queues")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fast_open: Option<FastOpenCookie>,
}

/// A Fast Open cookie: 4 to 16 bytes, an even number (RFC 7413 §4.1.1; Linux
/// tcp_parse_fastopen_option takes no other length), or none at all for a
/// cookie request. Serialised as lowercase hex, `""` for a request.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct FastOpenCookie {
    len: u8,
    bytes: [u8; FastOpenCookie::MAX],
}

impl FastOpenCookie {
    pub const MIN: usize = 4;
    pub const MAX: usize = 16;
    /// The empty option: "send me a cookie" (RFC 7413 §4.1.1, §4.2.1).
    pub const REQUEST: FastOpenCookie = FastOpenCookie { len: 0, bytes: [0; FastOpenCookie::MAX] };

    /// A cookie of these bytes, if RFC 7413 allows that length (0 is a request).
    pub fn new(bytes: &[u8]) -> Option<FastOpenCookie> {
        let n = bytes.len();
        if n != 0 && !((Self::MIN..=Self::MAX).contains(&n) && n % 2 == 0) {
            return None;
        }
        let mut c = FastOpenCookie { len: n as u8, ..Self::REQUEST };
        c.bytes[..n].copy_from_slice(bytes);
        Some(c)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// An empty option: the client asks for a cookie.
    pub fn is_request(&self) -> bool {
        self.len == 0
    }
}

impl Serialize for FastOpenCookie {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let hex: String = self
            .bytes()
            .iter()
            .flat_map(|b| [HEX[usize::from(b >> 4)] as char, HEX[usize::from(b & 15)] as char])
            .collect();
        s.serialize_str(&hex)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl TcpOptions {
    pub fn is_empty(&self) -> bool {
        *self == TcpOptions::default()
    }

    /// The options as they sit in the header, in the order Linux writes them
    /// (`tcp_options_write`): MSS; timestamps, with SACK-permitted packed in
    /// front of them or else two NOPs; SACK-permitted alone after two NOPs; a
    /// NOP and the window scale. Every option ends on a 32-bit boundary, so the
    /// header does too (RFC 9293 §3.1, "Data Offset").
    pub fn layout(&self) -> Vec<WireOption> {
        let mut out = Vec::new();
        let mut push = |kinds: &[WireOption]| out.extend_from_slice(kinds);
        if self.mss.is_some() {
            push(&[WireOption::MSS]);
        }
        if self.timestamps.is_some() {
            push(if self.sack_permitted { &[WireOption::SACK_PERMITTED] } else { &[WireOption::NOP, WireOption::NOP] });
            push(&[WireOption::TIMESTAMPS]);
        } else if self.sack_permitted {
            push(&[WireOption::NOP, WireOption::NOP, WireOption::SACK_PERMITTED]);
        }
        if self.window_scale.is_some() {
            push(&[WireOption::NOP, WireOption::WINDOW_SCALE]);
        }
        // Fast Open last, padded with two NOPs when its length leaves it 2 bytes
        // short of a word: [34,2,nop,nop] for a request, [34,10,cookie,nop,nop] for
        // Linux's 8-byte cookie, as a Linux 6.18 capture shows (fast-open.pcap).
        #[cfg(feature = "queues")]
        if let Some(c) = self.fast_open {
            let len = 2 + c.len;
            push(&[WireOption { kind: WireOption::FAST_OPEN_KIND, len }]);
            if len % 4 == 2 {
                push(&[WireOption::NOP, WireOption::NOP]);
            }
        }
        out
    }
}

/// One TCP option in the header: its kind and its length in bytes, kind and
/// length octets included (RFC 9293 §3.2; a NOP is one byte).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct WireOption {
    pub kind: u8,
    pub len: u8,
}

impl WireOption {
    pub const NOP: WireOption = WireOption { kind: 1, len: 1 };
    pub const MSS: WireOption = WireOption { kind: 2, len: 4 };
    pub const WINDOW_SCALE: WireOption = WireOption { kind: 3, len: 3 };
    pub const SACK_PERMITTED: WireOption = WireOption { kind: 4, len: 2 };
    pub const TIMESTAMPS: WireOption = WireOption { kind: 8, len: 10 };
    /// TCP Fast Open (RFC 7413 §4.1.1); its length is 2 plus the cookie's.
    pub const FAST_OPEN_KIND: u8 = 34;
}

/// A header's length in bytes: the fixed 20 and its options, rounded up to a
/// 32-bit word (the Data Offset field counts words: this divided by 4).
pub fn header_len(options: &[WireOption]) -> usize {
    (20 + options.iter().map(|o| usize::from(o.len)).sum::<usize>()).div_ceil(4) * 4
}

/// One TCP segment.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Segment {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: SeqNum,
    /// The acknowledgment number; `Some` means the ACK bit is set.
    pub ack: Option<SeqNum>,
    pub flags: Flags,
    pub window: u16,
    pub options: TcpOptions,
    pub payload: Vec<u8>,
}

impl Segment {
    /// SEG.LEN: the payload plus one for SYN and one for FIN (RFC 9293 §3.4).
    pub fn seg_len(&self) -> u32 {
        self.payload.len() as u32 + u32::from(self.flags.syn) + u32::from(self.flags.fin)
    }

    /// The sequence number just past this segment.
    pub fn end(&self) -> SeqNum {
        self.seq + self.seg_len()
    }

    /// The flag names in wire order, as Wireshark prints them: `SYN,ACK`, `FIN,PSH,ACK`.
    pub fn flag_names(&self) -> Vec<&'static str> {
        let mut names = Vec::with_capacity(3);
        if self.flags.fin {
            names.push("FIN");
        }
        if self.flags.syn {
            names.push("SYN");
        }
        if self.flags.rst {
            names.push("RST");
        }
        if self.flags.psh {
            names.push("PSH");
        }
        if self.ack.is_some() {
            names.push("ACK");
        }
        names
    }

    /// The payload as text, when it is printable UTF-8 (an HTTP request, say).
    pub fn text(&self) -> Option<&str> {
        if self.payload.is_empty() {
            return None;
        }
        let s = core::str::from_utf8(&self.payload).ok()?;
        s.chars().all(|c| !c.is_control() || matches!(c, '\r' | '\n' | '\t')).then_some(s)
    }
}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<SEQ={}>", self.seq)?;
        if let Some(ack) = self.ack {
            write!(f, "<ACK={ack}>")?;
        }
        write!(f, "<CTL={}>", self.flag_names().join(","))?;
        if !self.payload.is_empty() {
            write!(f, "<DATA={}>", self.payload.len())?;
        }
        Ok(())
    }
}

impl Serialize for Segment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.text();
        let mut st = s.serialize_struct("Segment", 10)?;
        st.serialize_field("src_port", &self.src_port)?;
        st.serialize_field("dst_port", &self.dst_port)?;
        st.serialize_field("seq", &self.seq.0)?;
        st.serialize_field("ack", &self.ack.map(|a| a.0))?;
        st.serialize_field("flags", &self.flag_names())?;
        st.serialize_field("len", &self.payload.len())?;
        st.serialize_field("window", &self.window)?;
        if self.options.is_empty() {
            st.skip_field("options")?;
        } else {
            st.serialize_field("options", &self.options)?;
        }
        st.serialize_field("header", &Header(&self.options.layout()))?;
        match text {
            Some(t) => st.serialize_field("text", t)?,
            None => st.skip_field("text")?,
        }
        st.end()
    }
}

/// `{ "len": bytes, "options": [[kind, len], …] }`: the header as laid out on the wire.
struct Header<'a>(&'a [WireOption]);

impl Serialize for Header<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Header", 2)?;
        st.serialize_field("len", &header_len(self.0))?;
        let pairs: Vec<[u8; 2]> = self.0.iter().map(|o| [o.kind, o.len]).collect();
        st.serialize_field("options", &pairs)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(flags: Flags, ack: Option<u32>, data: &[u8]) -> Segment {
        Segment { seq: SeqNum(100), ack: ack.map(SeqNum), flags, payload: data.to_vec(), ..Segment::default() }
    }

    #[test]
    fn syn_and_fin_occupy_one_sequence_number_each() {
        assert_eq!(seg(Flags::SYN, None, b"").seg_len(), 1);
        assert_eq!(seg(Flags::FIN, Some(300), b"").end(), SeqNum(101));
        assert_eq!(seg(Flags::NONE, Some(300), b"").seg_len(), 0);
        assert_eq!(seg(Flags::RST, None, b"").seg_len(), 0);
        assert_eq!(seg(Flags::FIN, Some(1), b"abc").seg_len(), 4);
    }

    #[test]
    fn flags_are_named_in_wire_order() {
        let synack = seg(Flags::SYN, Some(1), b"");
        assert_eq!(synack.flag_names(), ["SYN", "ACK"]);
        let finpsh = seg(Flags { fin: true, psh: true, ..Flags::NONE }, Some(1), b"x");
        assert_eq!(finpsh.flag_names(), ["FIN", "PSH", "ACK"]);
        assert_eq!(format!("{:?}", synack), "<SEQ=100><ACK=1><CTL=SYN,ACK>");
    }

    #[test]
    fn options_are_laid_out_as_linux_writes_them() {
        let syn = TcpOptions {
            mss: Some(1460),
            window_scale: Some(7),
            sack_permitted: true,
            timestamps: Some((1, 0)),
            #[cfg(feature = "queues")]
            fast_open: None,
        };
        let kinds: Vec<u8> = syn.layout().iter().map(|o| o.kind).collect();
        // tcpdump: [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]
        assert_eq!(kinds, [2, 4, 8, 1, 3]);
        assert_eq!(header_len(&syn.layout()), 40);
        // A data segment with timestamps: [nop,nop,TS val … ecr …]
        let data = TcpOptions { timestamps: Some((5, 6)), ..TcpOptions::default() };
        assert_eq!(data.layout(), [WireOption::NOP, WireOption::NOP, WireOption::TIMESTAMPS]);
        assert_eq!(header_len(&data.layout()), 32);
        // SACK without timestamps: [mss 1460,nop,nop,sackOK,nop,wscale 7]
        let no_ts = TcpOptions { timestamps: None, ..syn };
        let kinds: Vec<u8> = no_ts.layout().iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [2, 1, 1, 4, 1, 3]);
        assert_eq!(header_len(&no_ts.layout()), 32);
        assert_eq!(header_len(&TcpOptions::default().layout()), 20);
        // Every layout keeps the header on a 32-bit boundary without padding.
        for o in [syn, data, no_ts, TcpOptions { mss: Some(536), ..TcpOptions::default() }] {
            let sum: usize = o.layout().iter().map(|w| usize::from(w.len)).sum();
            assert_eq!(sum % 4, 0, "{o:?}");
        }
    }

    #[test]
    #[cfg(feature = "queues")]
    fn a_fast_open_option_goes_last_padded_to_a_word() {
        let syn = TcpOptions {
            mss: Some(1460),
            window_scale: Some(10),
            sack_permitted: true,
            timestamps: Some((1, 0)),
            fast_open: Some(FastOpenCookie::REQUEST),
        };
        // tcpdump (fast-open.pcap): [mss 1460,sackOK,TS val … ecr 0,nop,wscale 10,tfo  cookiereq,nop,nop]
        let wire: Vec<(u8, u8)> = syn.layout().iter().map(|o| (o.kind, o.len)).collect();
        assert_eq!(wire, [(2, 4), (4, 2), (8, 10), (1, 1), (3, 3), (34, 2), (1, 1), (1, 1)]);
        assert_eq!(header_len(&syn.layout()), 44);
        let cookie = FastOpenCookie::new(&[0xa3, 0x25, 0x52, 0x7c, 0x3d, 0x46, 0xc4, 0xc4]).unwrap();
        let with = TcpOptions { fast_open: Some(cookie), ..syn };
        let wire: Vec<(u8, u8)> = with.layout().iter().map(|o| (o.kind, o.len)).collect();
        assert_eq!(wire[5..], [(34, 10), (1, 1), (1, 1)]);
        assert_eq!(header_len(&with.layout()), 52);
        // A 4-byte cookie is padded too (6 bytes); a 6-byte one fills two words.
        let short = TcpOptions { fast_open: FastOpenCookie::new(&[1, 2, 3, 4]), ..TcpOptions::default() };
        assert_eq!(short.layout(), [WireOption { kind: 34, len: 6 }, WireOption::NOP, WireOption::NOP]);
        assert_eq!(header_len(&short.layout()), 28);
        let six = TcpOptions { fast_open: FastOpenCookie::new(&[1, 2, 3, 4, 5, 6]), ..TcpOptions::default() };
        assert_eq!(six.layout(), [WireOption { kind: 34, len: 8 }]);
        let json = serde_json::to_value(with).unwrap();
        assert_eq!(json["fast_open"], "a325527c3d46c4c4");
        assert_eq!(serde_json::to_value(syn).unwrap()["fast_open"], "");
    }

    #[test]
    fn a_cookie_has_4_to_16_bytes_an_even_number() {
        assert!(FastOpenCookie::new(&[]).is_some_and(|c| c.is_request()));
        for n in [1, 2, 3, 5, 7, 17, 18, 40] {
            assert_eq!(FastOpenCookie::new(&[9; 40][..n]), None, "{n}");
        }
        for n in [4, 6, 8, 16] {
            assert_eq!(FastOpenCookie::new(&[9; 16][..n]).map(|c| c.bytes().len()), Some(n));
        }
    }

    #[test]
    fn serialises_the_header_length_and_option_layout() {
        let mut s = seg(Flags::SYN, None, b"");
        s.options = TcpOptions { mss: Some(1460), ..TcpOptions::default() };
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["header"], serde_json::json!({ "len": 24, "options": [[2, 4]] }));
        let json = serde_json::to_value(seg(Flags::NONE, Some(1), b"")).unwrap();
        assert_eq!(json["header"], serde_json::json!({ "len": 20, "options": [] }));
    }

    #[test]
    fn serialises_the_ack_as_null_without_the_ack_bit() {
        let json = serde_json::to_value(seg(Flags::SYN, None, b"")).unwrap();
        assert_eq!(json["ack"], serde_json::Value::Null);
        assert_eq!(json["flags"], serde_json::json!(["SYN"]));
        let json = serde_json::to_value(seg(Flags::NONE, Some(7), b"GET /\r\n")).unwrap();
        assert_eq!(json["ack"], 7);
        assert_eq!(json["text"], "GET /\r\n");
        assert_eq!(json["len"], 7);
    }
}
