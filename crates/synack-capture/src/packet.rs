//! From a captured frame to a TCP segment: link layer, IPv4 or IPv6, TCP header and
//! options. Anything else is skipped with a short reason that the summary counts.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// LINKTYPE_ values this reader understands (tcpdump.org "Link-layer header types").
pub const LINKTYPE_NULL: u32 = 0;
pub const LINKTYPE_ETHERNET: u32 = 1;
pub const LINKTYPE_RAW: u32 = 101;
pub const LINKTYPE_LOOP: u32 = 108;
pub const LINKTYPE_LINUX_SLL: u32 = 113;
pub const LINKTYPE_IPV4: u32 = 228;
pub const LINKTYPE_IPV6: u32 = 229;
pub const LINKTYPE_LINUX_SLL2: u32 = 276;

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
/// At most this many stacked VLAN tags (802.1Q inside 802.1ad and so on).
const MAX_VLAN_TAGS: usize = 4;
/// At most this many IPv6 extension headers before the TCP header.
const MAX_EXTENSIONS: usize = 16;
const PROTO_TCP: u8 = 6;

/// TCP options this reader decodes (RFC 9293 §3.2, RFC 7323, RFC 2018).
#[derive(Clone, PartialEq, Eq, Default, Debug)]
pub struct Options {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    /// SACK blocks as (left edge, right edge), raw sequence numbers.
    pub sack: Vec<(u32, u32)>,
    pub timestamps: Option<(u32, u32)>,
    /// TCP Fast Open (RFC 7413 §4.1.1): kind 34, or the experimental kind 254 with
    /// magic 0xF989 (RFC 6994) that clients used before 34 was assigned. An empty
    /// cookie is a request for one.
    pub fast_open: Option<Vec<u8>>,
}

impl Options {
    pub fn is_empty(&self) -> bool {
        *self == Options::default()
    }
}

/// What the segment inspector shows of a header beyond its decoded fields: its
/// length, checksum and urgent pointer as captured, and each option's kind and
/// length in header order (NOPs and unknown kinds included; an end-of-list
/// option ends it).
#[derive(Clone, PartialEq, Eq, Default, Debug)]
pub struct Header {
    /// In bytes: the Data Offset field × 4.
    pub len: u8,
    pub checksum: u16,
    pub urgent: u16,
    pub options: Vec<[u8; 2]>,
}

/// The TCP control bits, as on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct TcpFlags(pub u8);

impl TcpFlags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
    pub const URG: u8 = 0x20;
    pub const ECE: u8 = 0x40;
    pub const CWR: u8 = 0x80;

    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    /// The names in the order Wireshark prints them: `FIN, SYN, RST, PSH, ACK, URG, ECE, CWR`.
    pub fn names(self) -> Vec<&'static str> {
        const NAMES: [(u8, &str); 8] = [
            (TcpFlags::FIN, "FIN"),
            (TcpFlags::SYN, "SYN"),
            (TcpFlags::RST, "RST"),
            (TcpFlags::PSH, "PSH"),
            (TcpFlags::ACK, "ACK"),
            (TcpFlags::URG, "URG"),
            (TcpFlags::ECE, "ECE"),
            (TcpFlags::CWR, "CWR"),
        ];
        NAMES.iter().filter(|(bit, _)| self.has(*bit)).map(|(_, n)| *n).collect()
    }
}

/// One decoded TCP segment.
#[derive(Clone, Debug)]
pub struct TcpPacket {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub window: u16,
    /// Payload bytes, from the IP length (so a short snapshot length does not hide them).
    pub len: u32,
    pub options: Options,
    pub header: Header,
    /// `Some(false)` when the whole segment was captured and its checksum is wrong;
    /// `None` when it could not be checked (a short snapshot).
    pub checksum_ok: Option<bool>,
}

/// Why a frame held no TCP segment.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Skip {
    LinkType(u32),
    NotIp,
    NotTcp,
    Fragment,
    Short,
    BadHeader,
}

impl Skip {
    pub fn describe(self) -> String {
        match self {
            Skip::LinkType(t) => format!("link type {t} is not supported"),
            Skip::NotIp => "not IPv4 or IPv6".into(),
            Skip::NotTcp => "not TCP".into(),
            Skip::Fragment => "IP fragments".into(),
            Skip::Short => "cut short by the capture".into(),
            Skip::BadHeader => "bad IP or TCP header".into(),
        }
    }
}

/// Decode one frame of the given link type.
pub fn decode(link_type: u32, data: &[u8]) -> Result<TcpPacket, Skip> {
    let (ethertype, ip) = match link_type {
        LINKTYPE_ETHERNET => ethernet(data)?,
        LINKTYPE_LINUX_SLL => {
            // Linux cooked capture v1: 16 bytes, the protocol type last.
            let proto = be16(data, 14).ok_or(Skip::Short)?;
            (proto, &data[16..])
        }
        LINKTYPE_LINUX_SLL2 => {
            // Linux cooked capture v2: 20 bytes, the protocol type first.
            let proto = be16(data, 0).ok_or(Skip::Short)?;
            if data.len() < 20 {
                return Err(Skip::Short);
            }
            (proto, &data[20..])
        }
        LINKTYPE_NULL | LINKTYPE_LOOP => {
            // BSD loopback: a 4-byte address family, in the capturing host's byte order
            // for NULL and in network order for LOOP. IPv4 is 2; IPv6 is 24, 28 or 30.
            if data.len() < 4 {
                return Err(Skip::Short);
            }
            let raw = [data[0], data[1], data[2], data[3]];
            let family = if link_type == LINKTYPE_LOOP {
                u32::from_be_bytes(raw)
            } else {
                let le = u32::from_le_bytes(raw);
                if le <= 0xff {
                    le
                } else {
                    u32::from_be_bytes(raw)
                }
            };
            let proto = match family {
                2 => ETHERTYPE_IPV4,
                24 | 28 | 30 => ETHERTYPE_IPV6,
                _ => return Err(Skip::NotIp),
            };
            (proto, &data[4..])
        }
        LINKTYPE_RAW | LINKTYPE_IPV4 | LINKTYPE_IPV6 => match data.first().map(|b| b >> 4) {
            Some(4) => (ETHERTYPE_IPV4, data),
            Some(6) => (ETHERTYPE_IPV6, data),
            Some(_) => return Err(Skip::NotIp),
            None => return Err(Skip::Short),
        },
        other => return Err(Skip::LinkType(other)),
    };
    match ethertype {
        ETHERTYPE_IPV4 => ipv4(ip),
        ETHERTYPE_IPV6 => ipv6(ip),
        _ => Err(Skip::NotIp),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

/// Ethernet II, skipping 802.1Q and 802.1ad VLAN tags.
fn ethernet(data: &[u8]) -> Result<(u16, &[u8]), Skip> {
    let mut at = 12;
    for _ in 0..=MAX_VLAN_TAGS {
        let ty = be16(data, at).ok_or(Skip::Short)?;
        if ty == ETHERTYPE_VLAN || ty == ETHERTYPE_QINQ {
            at += 4;
            continue;
        }
        return Ok((ty, data.get(at + 2..).ok_or(Skip::Short)?));
    }
    Err(Skip::NotIp)
}

fn ipv4(ip: &[u8]) -> Result<TcpPacket, Skip> {
    if ip.len() < 20 {
        return Err(Skip::Short);
    }
    if ip[0] >> 4 != 4 {
        return Err(Skip::BadHeader);
    }
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(be16(ip, 2).ok_or(Skip::Short)?);
    if ihl < 20 || total < ihl {
        return Err(Skip::BadHeader);
    }
    let frag = be16(ip, 6).ok_or(Skip::Short)?;
    if frag & 0x3fff != 0 {
        // More fragments, or an offset: a piece of a larger datagram.
        return Err(Skip::Fragment);
    }
    if ip[9] != PROTO_TCP {
        return Err(Skip::NotTcp);
    }
    let src = IpAddr::V4(Ipv4Addr::new(ip[12], ip[13], ip[14], ip[15]));
    let dst = IpAddr::V4(Ipv4Addr::new(ip[16], ip[17], ip[18], ip[19]));
    let pseudo = sum(&ip[12..20], 0) + u32::from(PROTO_TCP) + (total - ihl) as u32;
    tcp(src, dst, ip.get(ihl..).ok_or(Skip::Short)?, total - ihl, pseudo)
}

fn ipv6(ip: &[u8]) -> Result<TcpPacket, Skip> {
    if ip.len() < 40 {
        return Err(Skip::Short);
    }
    if ip[0] >> 4 != 6 {
        return Err(Skip::BadHeader);
    }
    let payload_len = usize::from(be16(ip, 4).ok_or(Skip::Short)?);
    let mut next = ip[6];
    let mut at = 40;
    let mut remaining = payload_len;
    // RFC 8200 §4: walk the extension headers up to the upper-layer header.
    for _ in 0..MAX_EXTENSIONS {
        let len = match next {
            PROTO_TCP => break,
            // Hop-by-hop, routing, destination options: (Hdr Ext Len + 1) × 8 bytes.
            0 | 43 | 60 => (usize::from(*ip.get(at + 1).ok_or(Skip::Short)?) + 1) * 8,
            // Fragment: 8 bytes; only a first fragment that holds everything is kept.
            44 => {
                let off = be16(ip, at + 2).ok_or(Skip::Short)?;
                if off & 0xfff9 != 0 {
                    return Err(Skip::Fragment);
                }
                8
            }
            // Authentication header (RFC 4302): (Payload Len + 2) × 4 bytes.
            51 => (usize::from(*ip.get(at + 1).ok_or(Skip::Short)?) + 2) * 4,
            _ => return Err(Skip::NotTcp),
        };
        next = *ip.get(at).ok_or(Skip::Short)?;
        if len > remaining {
            return Err(Skip::BadHeader);
        }
        at += len;
        remaining -= len;
    }
    if next != PROTO_TCP {
        return Err(Skip::NotTcp);
    }
    let mut a = [0u8; 16];
    a.copy_from_slice(&ip[8..24]);
    let src = IpAddr::V6(Ipv6Addr::from(a));
    a.copy_from_slice(&ip[24..40]);
    let dst = IpAddr::V6(Ipv6Addr::from(a));
    // RFC 8200 §8.1: the pseudo-header holds the upper-layer length.
    let pseudo = sum(&ip[8..40], 0) + u32::from(PROTO_TCP) + remaining as u32;
    tcp(src, dst, ip.get(at..).ok_or(Skip::Short)?, remaining, pseudo)
}

/// The TCP header (RFC 9293 §3.1); `seg_total` is the segment's length from the IP header.
fn tcp(src: IpAddr, dst: IpAddr, t: &[u8], seg_total: usize, pseudo: u32) -> Result<TcpPacket, Skip> {
    if seg_total < 20 {
        return Err(Skip::BadHeader);
    }
    if t.len() < 20 {
        return Err(Skip::Short);
    }
    let off = usize::from(t[12] >> 4) * 4;
    if off < 20 || off > seg_total {
        return Err(Skip::BadHeader);
    }
    let raw_options = t.get(20..off).ok_or(Skip::Short)?;
    let options = options(raw_options);
    // The checksum can be checked only when the whole segment was captured.
    let checksum_ok = (t.len() >= seg_total).then(|| fold(sum(&t[..seg_total], pseudo)) == 0xffff);
    Ok(TcpPacket {
        src,
        dst,
        src_port: be16(t, 0).ok_or(Skip::Short)?,
        dst_port: be16(t, 2).ok_or(Skip::Short)?,
        seq: be32(t, 4).ok_or(Skip::Short)?,
        ack: be32(t, 8).ok_or(Skip::Short)?,
        flags: TcpFlags(t[13]),
        window: be16(t, 14).ok_or(Skip::Short)?,
        len: (seg_total - off) as u32,
        options,
        header: Header {
            len: off as u8,
            checksum: be16(t, 16).ok_or(Skip::Short)?,
            urgent: be16(t, 18).ok_or(Skip::Short)?,
            options: layout(raw_options),
        },
        checksum_ok,
    })
}

/// The option kinds of RFC 9293 §3.2 and their extensions; unknown kinds are skipped
/// by their length, and a malformed list ends the parse.
fn options(mut o: &[u8]) -> Options {
    let mut out = Options::default();
    while let Some(&kind) = o.first() {
        match kind {
            0 => break,
            1 => {
                o = &o[1..];
                continue;
            }
            _ => {}
        }
        let Some(&len) = o.get(1) else { break };
        let len = usize::from(len);
        if len < 2 || len > o.len() {
            break;
        }
        let body = &o[2..len];
        match (kind, len) {
            (2, 4) => out.mss = be16(body, 0),
            (3, 3) => out.window_scale = Some(body[0]),
            (4, 2) => out.sack_permitted = true,
            (5, _) if (len - 2) % 8 == 0 => {
                out.sack = body.chunks_exact(8).filter_map(|c| Some((be32(c, 0)?, be32(c, 4)?))).collect();
            }
            (8, 10) => out.timestamps = be32(body, 0).zip(be32(body, 4)),
            (34, _) => out.fast_open = Some(body.to_vec()),
            (254, _) if be16(body, 0) == Some(0xF989) => out.fast_open = Some(body[2..].to_vec()),
            _ => {}
        }
        o = &o[len..];
    }
    out
}

/// Each option's [kind, length] in header order, as the bytes say: one byte for a
/// NOP or the end of the list (which ends it), else the option's length octet; a
/// length that cannot be (under 2, or past the header) ends it too.
fn layout(mut o: &[u8]) -> Vec<[u8; 2]> {
    let mut out = Vec::new();
    while let Some(&kind) = o.first() {
        let len = match kind {
            0 | 1 => 1,
            _ => match o.get(1) {
                Some(&len) if len >= 2 && usize::from(len) <= o.len() => len,
                _ => break,
            },
        };
        out.push([kind, len]);
        if kind == 0 {
            break;
        }
        o = &o[usize::from(len)..];
    }
    out
}

/// The one's complement sum of RFC 1071, not yet folded.
fn sum(bytes: &[u8], init: u32) -> u32 {
    // 32-bit words at a time: their ones' complement sum folds to the same 16 bits as
    // that of the 16-bit words (2^16 ≡ 1 modulo 2^16 − 1), in half the additions.
    let mut acc = u64::from(init);
    let mut words = bytes.chunks_exact(4);
    for c in &mut words {
        acc += u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
    }
    let mut chunks = words.remainder().chunks_exact(2);
    for c in &mut chunks {
        acc += u64::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        acc += u64::from(*last) << 8;
    }
    // Folded to 16 bits (a ones' complement sum all the same), so that callers may
    // add a pseudo-header's words to it without overflow.
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u32
}

fn fold(mut s: u32) -> u16 {
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}
