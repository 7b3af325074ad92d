//! Hand-made capture bytes for the tests: pcap and pcapng files, Ethernet frames with
//! or without VLAN tags, IPv4 and IPv6 (with extension headers), TCP with options.
//! Checksums are computed, so a segment is exactly what a careful stack would send.

#![allow(dead_code)]

pub const SYN: u8 = 0x02;
pub const ACK: u8 = 0x10;
pub const FIN: u8 = 0x01;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;

/// One TCP segment between two IPv4 or IPv6 endpoints.
#[derive(Clone)]
pub struct Tcp {
    pub src: Vec<u8>,
    pub dst: Vec<u8>,
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub win: u16,
    pub options: Vec<u8>,
    pub payload: Vec<u8>,
}

pub fn v4(a: [u8; 4]) -> Vec<u8> {
    a.to_vec()
}

pub fn tcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8) -> Tcp {
    Tcp {
        src: v4([192, 0, 2, 1]),
        dst: v4([192, 0, 2, 2]),
        sport,
        dport,
        seq,
        ack,
        flags,
        win: 64240,
        options: Vec::new(),
        payload: Vec::new(),
    }
}

impl Tcp {
    /// The same segment the other way round (addresses and ports swapped).
    pub fn back(mut self) -> Tcp {
        std::mem::swap(&mut self.src, &mut self.dst);
        std::mem::swap(&mut self.sport, &mut self.dport);
        self
    }

    pub fn data(mut self, bytes: &[u8]) -> Tcp {
        self.payload = bytes.to_vec();
        self
    }

    pub fn opts(mut self, o: &[u8]) -> Tcp {
        self.options = o.to_vec();
        while self.options.len() % 4 != 0 {
            self.options.push(1);
        }
        self
    }

    fn header(&self, pseudo: u32) -> Vec<u8> {
        let off = 20 + self.options.len();
        let mut t = Vec::new();
        t.extend(self.sport.to_be_bytes());
        t.extend(self.dport.to_be_bytes());
        t.extend(self.seq.to_be_bytes());
        t.extend(self.ack.to_be_bytes());
        t.push(((off / 4) as u8) << 4);
        t.push(self.flags);
        t.extend(self.win.to_be_bytes());
        t.extend([0, 0, 0, 0]);
        t.extend(&self.options);
        t.extend(&self.payload);
        let c = !fold(sum(&t, pseudo));
        t[16..18].copy_from_slice(&c.to_be_bytes());
        t
    }

    /// The IP packet: IPv4 for 4-byte addresses, IPv6 (with `ext` extension headers,
    /// each as (type, bytes)) for 16-byte ones.
    pub fn ip_with(&self, ext: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let tcp_len = 20 + self.options.len() + self.payload.len();
        if self.src.len() == 4 {
            let pseudo = sum(&self.src, 0) + sum(&self.dst, 0) + 6 + tcp_len as u32;
            let t = self.header(pseudo);
            let mut ip = vec![0x45, 0];
            ip.extend(((20 + t.len()) as u16).to_be_bytes());
            ip.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
            ip.extend(&self.src);
            ip.extend(&self.dst);
            let c = !fold(sum(&ip, 0));
            ip[10..12].copy_from_slice(&c.to_be_bytes());
            ip.extend(t);
            ip
        } else {
            let pseudo = sum(&self.src, 0) + sum(&self.dst, 0) + 6 + tcp_len as u32;
            let t = self.header(pseudo);
            let mut chain = Vec::new();
            // Each extension header's first byte names the next header.
            for (i, (_, bytes)) in ext.iter().enumerate() {
                let next = ext.get(i + 1).map_or(6, |(ty, _)| *ty);
                let mut b = bytes.clone();
                b[0] = next;
                chain.extend(b);
            }
            let first = ext.first().map_or(6, |(ty, _)| *ty);
            let mut ip = vec![0x60, 0, 0, 0];
            ip.extend(((chain.len() + t.len()) as u16).to_be_bytes());
            ip.push(first);
            ip.push(64);
            ip.extend(&self.src);
            ip.extend(&self.dst);
            ip.extend(chain);
            ip.extend(t);
            ip
        }
    }

    pub fn ip(&self) -> Vec<u8> {
        self.ip_with(&[])
    }

    /// An Ethernet II frame with the given VLAN tag IDs (outermost first).
    pub fn ether_vlan(&self, tags: &[u16]) -> Vec<u8> {
        let ip = self.ip();
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        for (i, id) in tags.iter().enumerate() {
            f.extend(if i == 0 && tags.len() > 1 { [0x88, 0xa8] } else { [0x81, 0x00] });
            f.extend(id.to_be_bytes());
        }
        f.extend(if self.src.len() == 4 { [0x08, 0x00] } else { [0x86, 0xdd] });
        f.extend(ip);
        f
    }

    pub fn ether(&self) -> Vec<u8> {
        self.ether_vlan(&[])
    }
}

fn sum(b: &[u8], init: u32) -> u32 {
    let mut acc = init;
    for c in b.chunks(2) {
        acc += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    acc
}

fn fold(mut s: u32) -> u16 {
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

/// A classic little-endian microsecond pcap of (microseconds, frame) records.
pub fn pcap(link: u32, frames: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2_c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0; 8]);
    out.extend(262_144u32.to_le_bytes());
    out.extend(link.to_le_bytes());
    for (us, f) in frames {
        out.extend(((us / 1_000_000) as u32).to_le_bytes());
        out.extend(((us % 1_000_000) as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(f);
    }
    out
}

/// Ethernet pcap of these segments, one millisecond apart.
pub fn eth_pcap(segs: &[Tcp]) -> Vec<u8> {
    let frames: Vec<(u64, Vec<u8>)> = segs.iter().enumerate().map(|(i, s)| (i as u64 * 1000, s.ether())).collect();
    pcap(1, &frames)
}

pub fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while body.len() % 4 != 0 {
        body.push(0);
    }
    let total = (12 + body.len()) as u32;
    let mut b = Vec::new();
    b.extend(kind.to_le_bytes());
    b.extend(total.to_le_bytes());
    b.extend(body);
    b.extend(total.to_le_bytes());
    b
}

pub fn shb() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(0x1a2b_3c4du32.to_le_bytes());
    body.extend(1u16.to_le_bytes());
    body.extend(0u16.to_le_bytes());
    body.extend((-1i64).to_le_bytes());
    block(0x0a0d_0d0a, &body)
}

pub fn idb(link: u16) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(link.to_le_bytes());
    body.extend([0, 0]);
    body.extend(262_144u32.to_le_bytes());
    block(1, &body)
}

/// An enhanced packet block at `us` microseconds (the default resolution).
pub fn epb(iface: u32, us: u64, frame: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(iface.to_le_bytes());
    body.extend(((us >> 32) as u32).to_le_bytes());
    body.extend((us as u32).to_le_bytes());
    body.extend((frame.len() as u32).to_le_bytes());
    body.extend((frame.len() as u32).to_le_bytes());
    body.extend(frame);
    block(6, &body)
}

/// The three segments of a handshake between ports 40000 and 80.
pub fn handshake() -> Vec<Tcp> {
    vec![
        tcp(40000, 80, 1000, 0, SYN).opts(&[2, 4, 5, 0xb4, 4, 2, 3, 3, 7]),
        tcp(40000, 80, 5000, 1001, SYN | ACK).opts(&[2, 4, 5, 0xb4]).back(),
        tcp(40000, 80, 1001, 5001, ACK),
    ]
}
