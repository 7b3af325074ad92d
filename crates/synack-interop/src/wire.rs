//! The engine's [`Segment`] as IPv4/TCP bytes, and back.
//!
//! The engine's segment is the source of truth: every field it has (ports, SEQ, ACK,
//! the control bits, the window, and the MSS, window scale, SACK-permitted and
//! timestamp options) is written to the wire and read back. smoltcp's wire module
//! lays out the headers and computes both checksums (RFC 791 §3.1 for IPv4,
//! RFC 9293 §3.1 for TCP, over the pseudo-header).
//!
//! What the engine's segment cannot hold is reported beside it in [`Packet`]
//! (URG, ECE, CWR and SACK blocks), so a test can see that nothing was lost silently.

use core::fmt;
use std::net::Ipv4Addr;

use smoltcp::wire::{IpAddress, IpProtocol, Ipv4Packet, TcpOption, TcpPacket, TcpSeqNumber};
use synack_core::{Flags, Segment, SeqNum, TcpOptions, WireOption};

/// The address the engine plays in every interop run.
pub const ENGINE_ADDR: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 2);
/// The address of the real stack (smoltcp's interface, or Linux's TUN device).
pub const PEER_ADDR: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);

/// The IPv4 header we write: 20 bytes, no options.
const IPV4_HEADER_LEN: usize = 20;
/// The TCP header without options.
const TCP_HEADER_LEN: usize = 20;
/// The hop limit (TTL) of the packets we write, as Linux's default.
const TTL: u8 = 64;

/// One decoded IPv4/TCP packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub segment: Segment,
    /// Control bits that were set on the wire but that the engine does not model
    /// (URG, ECE, CWR): the engine never sees them.
    pub unmodelled_flags: Vec<&'static str>,
    /// SACK blocks (RFC 2018 §3) carried by the segment; the engine does not read them.
    pub sack_blocks: Vec<(u32, u32)>,
}

/// Why bytes are not an IPv4/TCP packet we can read, or a segment cannot be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// Not IPv4 (IPv6 router solicitations on a TUN device, say).
    NotIpv4 {
        version: u8,
    },
    /// Shorter than its headers say, or a header field is impossible.
    Truncated(&'static str),
    BadIpChecksum,
    /// A fragment: the engine's peers never send them at these sizes.
    Fragment,
    /// IPv4 carrying another protocol (ICMP, UDP, …).
    NotTcp {
        protocol: u8,
    },
    BadTcpChecksum,
    /// A TCP option whose length does not match its kind (RFC 9293 §3.2).
    BadOption,
    /// The segment does not fit in one IPv4 packet.
    TooLong {
        len: usize,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::NotIpv4 { version } => write!(f, "not an IPv4 packet (IP version {version})"),
            WireError::Truncated(what) => write!(f, "truncated or malformed {what} header"),
            WireError::BadIpChecksum => f.write_str("the IPv4 header checksum is wrong"),
            WireError::Fragment => f.write_str("an IPv4 fragment (not supported)"),
            WireError::NotTcp { protocol } => write!(f, "not TCP (IP protocol {protocol})"),
            WireError::BadTcpChecksum => f.write_str("the TCP checksum is wrong"),
            WireError::BadOption => f.write_str("a TCP option has the wrong length for its kind"),
            WireError::TooLong { len } => write!(f, "a {len}-byte packet does not fit in IPv4"),
        }
    }
}

impl std::error::Error for WireError {}

/// The options of `seg` as the engine lays them out ([`TcpOptions::layout`]).
fn options_of(seg: &Segment) -> Vec<TcpOption<'_>> {
    let o = &seg.options;
    o.layout()
        .into_iter()
        .map(|w| match w {
            WireOption::MSS => TcpOption::MaxSegmentSize(o.mss.unwrap_or_default()),
            WireOption::WINDOW_SCALE => TcpOption::WindowScale(o.window_scale.unwrap_or_default()),
            WireOption::SACK_PERMITTED => TcpOption::SackPermitted,
            WireOption::TIMESTAMPS => {
                let (tsval, tsecr) = o.timestamps.unwrap_or_default();
                TcpOption::TimeStamp { tsval, tsecr }
            }
            // TCP Fast Open (RFC 7413 §4.1.1): smoltcp writes it as an option it
            // does not know, its cookie as the data.
            WireOption { kind: WireOption::FAST_OPEN_KIND, .. } => TcpOption::Unknown {
                kind: WireOption::FAST_OPEN_KIND,
                data: o.fast_open.as_ref().map_or(&[], |c| c.bytes()),
            },
            _ => TcpOption::NoOperation,
        })
        .collect()
}

/// Write `seg` from `src` to `dst` as an IPv4 packet with correct checksums.
pub fn encode(src: Ipv4Addr, dst: Ipv4Addr, seg: &Segment) -> Result<Vec<u8>, WireError> {
    let options = options_of(seg);
    let options_len: usize = options.iter().map(TcpOption::buffer_len).sum();
    let tcp_len = TCP_HEADER_LEN + options_len + seg.payload.len();
    let total = IPV4_HEADER_LEN + tcp_len;
    let total_u16 = u16::try_from(total).map_err(|_| WireError::TooLong { len: total })?;
    let mut bytes = vec![0u8; total];

    let mut ip = Ipv4Packet::new_unchecked(&mut bytes[..]);
    ip.set_version(4);
    ip.set_header_len(IPV4_HEADER_LEN as u8);
    ip.set_total_len(total_u16);
    ip.set_ident(0);
    // RFC 6864 §4.1: an atomic datagram (DF set, never fragmented) may carry any ID.
    ip.clear_flags();
    ip.set_dont_frag(true);
    ip.set_hop_limit(TTL);
    ip.set_next_header(IpProtocol::Tcp);
    ip.set_src_addr(src);
    ip.set_dst_addr(dst);
    ip.fill_checksum();

    let mut tcp = TcpPacket::new_unchecked(&mut bytes[IPV4_HEADER_LEN..]);
    tcp.set_src_port(seg.src_port);
    tcp.set_dst_port(seg.dst_port);
    tcp.set_seq_number(TcpSeqNumber(seg.seq.0 as i32));
    tcp.set_ack_number(TcpSeqNumber(seg.ack.map_or(0, |a| a.0) as i32));
    tcp.set_header_len((TCP_HEADER_LEN + options_len) as u8);
    tcp.clear_flags();
    tcp.set_fin(seg.flags.fin);
    tcp.set_syn(seg.flags.syn);
    tcp.set_rst(seg.flags.rst);
    tcp.set_psh(seg.flags.psh);
    tcp.set_ack(seg.ack.is_some());
    tcp.set_window_len(seg.window);
    tcp.set_urgent_at(0);
    let mut rest = tcp.options_mut();
    for opt in &options {
        // Each option is handed exactly its own bytes: smoltcp writes an option it
        // does not know (Fast Open's) by filling the whole buffer it is given.
        let (mine, after) = rest.split_at_mut(opt.buffer_len());
        opt.emit(mine);
        rest = after;
    }
    tcp.payload_mut().copy_from_slice(&seg.payload);
    tcp.fill_checksum(&IpAddress::Ipv4(src), &IpAddress::Ipv4(dst));
    Ok(bytes)
}

/// Read an IPv4/TCP packet, checking both checksums.
pub fn decode(bytes: &[u8]) -> Result<Packet, WireError> {
    let version = bytes.first().map_or(0, |b| b >> 4);
    if version != 4 {
        return Err(WireError::NotIpv4 { version });
    }
    let ip = Ipv4Packet::new_checked(bytes).map_err(|_| WireError::Truncated("IPv4"))?;
    if !ip.verify_checksum() {
        return Err(WireError::BadIpChecksum);
    }
    if ip.more_frags() || ip.frag_offset() != 0 {
        return Err(WireError::Fragment);
    }
    if ip.next_header() != IpProtocol::Tcp {
        return Err(WireError::NotTcp { protocol: u8::from(ip.next_header()) });
    }
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let tcp = TcpPacket::new_checked(ip.payload()).map_err(|_| WireError::Truncated("TCP"))?;
    if !tcp.verify_checksum(&IpAddress::Ipv4(src), &IpAddress::Ipv4(dst)) {
        return Err(WireError::BadTcpChecksum);
    }

    let mut options = TcpOptions::default();
    let mut sack_blocks = Vec::new();
    let mut rest = tcp.options();
    while !rest.is_empty() {
        let (after, opt) = TcpOption::parse(rest).map_err(|_| WireError::BadOption)?;
        match opt {
            TcpOption::EndOfList => break,
            // TCP Fast Open (RFC 7413 §4.1.1), when its cookie has a length it allows.
            TcpOption::Unknown { kind: WireOption::FAST_OPEN_KIND, data } => {
                options.fast_open = synack_core::segment::FastOpenCookie::new(data)
            }
            TcpOption::NoOperation | TcpOption::Unknown { .. } => {}
            TcpOption::MaxSegmentSize(mss) => options.mss = Some(mss),
            TcpOption::WindowScale(shift) => options.window_scale = Some(shift),
            TcpOption::SackPermitted => options.sack_permitted = true,
            TcpOption::TimeStamp { tsval, tsecr } => options.timestamps = Some((tsval, tsecr)),
            TcpOption::SackRange(ranges) => sack_blocks.extend(ranges.into_iter().flatten()),
        }
        rest = after;
    }

    let mut unmodelled_flags = Vec::new();
    for (set, name) in [(tcp.urg(), "URG"), (tcp.ece(), "ECE"), (tcp.cwr(), "CWR")] {
        if set {
            unmodelled_flags.push(name);
        }
    }
    let segment = Segment {
        src_port: tcp.src_port(),
        dst_port: tcp.dst_port(),
        seq: SeqNum(tcp.seq_number().0 as u32),
        ack: tcp.ack().then(|| SeqNum(tcp.ack_number().0 as u32)),
        flags: Flags { syn: tcp.syn(), fin: tcp.fin(), rst: tcp.rst(), psh: tcp.psh() },
        window: tcp.window_len(),
        options,
        payload: tcp.payload().to_vec(),
    };
    Ok(Packet { src, dst, segment, unmodelled_flags, sack_blocks })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syn() -> Segment {
        Segment {
            src_port: 49152,
            dst_port: 80,
            seq: SeqNum(u32::MAX),
            ack: None,
            flags: Flags::SYN,
            window: 64240,
            options: TcpOptions {
                mss: Some(1460),
                window_scale: Some(7),
                sack_permitted: true,
                timestamps: Some((0xdead_beef, 0)),
                fast_open: None,
            },
            payload: Vec::new(),
        }
    }

    #[test]
    fn a_syn_with_every_option_round_trips() {
        let bytes = encode(ENGINE_ADDR, PEER_ADDR, &syn()).unwrap();
        // 20 IPv4 + 20 TCP + 20 options, packed as Linux packs a SYN's:
        // mss 1460, sackOK, TS, nop, wscale 7.
        assert_eq!(bytes.len(), 60);
        assert_eq!(bytes[IPV4_HEADER_LEN + 12] >> 4, 10, "data offset in 32-bit words");
        let options = &bytes[IPV4_HEADER_LEN + 20..];
        assert_eq!(options[..8], [2, 4, 0x05, 0xb4, 4, 2, 8, 10]);
        assert_eq!(options[8..12], 0xdead_beef_u32.to_be_bytes());
        assert_eq!(options[16..], [1, 3, 3, 7]);
        let p = decode(&bytes).unwrap();
        assert_eq!((p.src, p.dst), (ENGINE_ADDR, PEER_ADDR));
        assert_eq!(p.segment, syn());
        assert!(p.unmodelled_flags.is_empty() && p.sack_blocks.is_empty());
    }

    #[test]
    fn a_fast_open_syn_with_data_round_trips() {
        let cookie = synack_core::segment::FastOpenCookie::new(&[0xa3, 0x25, 0x52, 0x7c, 0x3d, 0x46, 0xc4, 0xc4]);
        let mut seg = syn();
        seg.options.fast_open = cookie;
        seg.payload = b"GET / HTTP/1.0\r\n\r\n".to_vec();
        let bytes = encode(ENGINE_ADDR, PEER_ADDR, &seg).unwrap();
        // The SYN's 20 bytes of options, then [34, 10, cookie, nop, nop]: 32 in all.
        let options = &bytes[IPV4_HEADER_LEN + 20..IPV4_HEADER_LEN + 52];
        assert_eq!(options[20..22], [34, 10]);
        assert_eq!(options[30..], [1, 1]);
        assert_eq!(decode(&bytes).unwrap().segment, seg);
    }

    #[test]
    fn fin_psh_ack_with_data_keeps_every_bit() {
        let seg = Segment {
            seq: SeqNum(1000),
            ack: Some(SeqNum(0)),
            flags: Flags { fin: true, psh: true, ..Flags::NONE },
            payload: b"bye".to_vec(),
            options: TcpOptions { timestamps: Some((1, 2)), ..TcpOptions::default() },
            ..syn()
        };
        let p = decode(&encode(PEER_ADDR, ENGINE_ADDR, &seg).unwrap()).unwrap();
        assert_eq!(p.segment.flag_names(), ["FIN", "PSH", "ACK"]);
        assert_eq!(p.segment.ack, Some(SeqNum(0)), "an ACK of zero is still an ACK");
        assert_eq!(p.segment, seg);
    }

    #[test]
    fn a_flipped_bit_is_caught_by_the_tcp_checksum() {
        let mut bytes = encode(ENGINE_ADDR, PEER_ADDR, &syn()).unwrap();
        bytes[IPV4_HEADER_LEN + 4] ^= 1; // The low byte of the sequence number.
        assert_eq!(decode(&bytes), Err(WireError::BadTcpChecksum));
        bytes[IPV4_HEADER_LEN + 4] ^= 1;
        bytes[8] ^= 1; // The TTL, inside the IPv4 header.
        assert_eq!(decode(&bytes), Err(WireError::BadIpChecksum));
    }

    #[test]
    fn other_packets_are_named_not_misread() {
        assert_eq!(decode(&[0x60, 0, 0, 0]), Err(WireError::NotIpv4 { version: 6 }));
        assert_eq!(decode(&[]), Err(WireError::NotIpv4 { version: 0 }));
        assert_eq!(decode(&[0x45, 0, 0]), Err(WireError::Truncated("IPv4")));
        let mut bytes = encode(ENGINE_ADDR, PEER_ADDR, &syn()).unwrap();
        let mut ip = Ipv4Packet::new_unchecked(&mut bytes[..]);
        ip.set_next_header(IpProtocol::Udp);
        ip.fill_checksum();
        assert_eq!(decode(&bytes), Err(WireError::NotTcp { protocol: 17 }));
        assert_eq!(WireError::NotTcp { protocol: 17 }.to_string(), "not TCP (IP protocol 17)");
    }

    #[test]
    fn a_payload_too_big_for_ipv4_is_refused() {
        let seg = Segment { payload: vec![0; 70_000], ..syn() };
        assert!(matches!(encode(ENGINE_ADDR, PEER_ADDR, &seg), Err(WireError::TooLong { .. })));
    }
}
