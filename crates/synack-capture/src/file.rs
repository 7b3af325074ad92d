//! The file formats: classic pcap and pcapng, read incrementally.
//!
//! [`Framer::push`] takes the file in chunks of any size and hands every complete
//! packet record to a callback, so a reader never needs the whole file in memory:
//! at most one record (bounded by [`MAX_BLOCK`]) is buffered. The formats are those
//! of the IETF OPSAWG drafts "PCAP Capture File Format" and "PCAP Now Generic
//! (pcapng) Capture File Format".

use crate::error::CaptureError;

/// The largest packet record accepted (libpcap's own largest snapshot length).
pub const MAX_PACKET: u32 = 262_144;
/// The largest pcapng block accepted; larger ones are refused as absurd.
pub const MAX_BLOCK: u32 = 16 << 20;

const PCAP_MICROS: u32 = 0xa1b2_c3d4;
const PCAP_NANOS: u32 = 0xa1b2_3c4d;
const PCAPNG_SHB: u32 = 0x0a0d_0d0a;
const PCAPNG_BOM: u32 = 0x1a2b_3c4d;
const BLOCK_IDB: u32 = 1;
const BLOCK_SPB: u32 = 3;
const BLOCK_EPB: u32 = 6;
/// The interface options code for the timestamp resolution (pcapng §4.2).
const OPT_IF_TSRESOL: u16 = 9;
/// pcapng caps how many interfaces one section may describe; we cap it lower.
const MAX_INTERFACES: usize = 1024;

/// One captured packet as the file stores it.
#[derive(Debug)]
pub struct Frame<'a> {
    /// 1 for the first packet record in the file, as Wireshark numbers frames.
    pub number: u64,
    /// Nanoseconds since the Unix epoch (a pcapng simple packet has none: it gets
    /// the previous packet's time).
    pub ts_ns: u64,
    /// The LINKTYPE_ value of the interface the packet was captured on.
    pub link_type: u32,
    /// The captured bytes (possibly fewer than were on the wire).
    pub data: &'a [u8],
    /// The packet's length on the wire.
    pub orig_len: u32,
}

#[derive(Clone, Copy, Debug)]
struct Interface {
    link_type: u32,
    /// Timestamp units per second, as (base, exponent): 10^-6 by default.
    resol: Resolution,
}

#[derive(Clone, Copy, Debug)]
enum Resolution {
    Decimal(u8),
    Binary(u8),
}

impl Resolution {
    fn to_ns(self, units: u64) -> u64 {
        let ns = match self {
            Resolution::Decimal(e) => {
                let e = u32::from(e.min(30));
                if e <= 9 {
                    u128::from(units) * 10u128.pow(9 - e)
                } else {
                    u128::from(units) / 10u128.pow(e - 9)
                }
            }
            Resolution::Binary(e) => (u128::from(units) * 1_000_000_000) >> e.min(100),
        };
        u64::try_from(ns).unwrap_or(u64::MAX)
    }
}

#[derive(Debug)]
enum Format {
    /// Not yet known: fewer than four bytes seen.
    Unknown,
    /// Classic pcap, global header not yet read.
    PcapHeader,
    Pcap {
        big: bool,
        nanos: bool,
        link_type: u32,
    },
    Pcapng {
        big: bool,
        interfaces: Vec<Interface>,
    },
}

/// Splits a capture file into packet records, chunk by chunk.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    /// Bytes of `buf` already parsed.
    start: usize,
    /// File offset of `buf[start]`.
    offset: u64,
    format: Format,
    frames: u64,
    last_ts: u64,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new()
    }
}

fn u16_at(b: &[u8], at: usize, big: bool) -> u16 {
    let v = [b[at], b[at + 1]];
    if big {
        u16::from_be_bytes(v)
    } else {
        u16::from_le_bytes(v)
    }
}

fn u32_at(b: &[u8], at: usize, big: bool) -> u32 {
    let v = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if big {
        u32::from_be_bytes(v)
    } else {
        u32::from_le_bytes(v)
    }
}

impl Framer {
    pub fn new() -> Framer {
        Framer { buf: Vec::new(), start: 0, offset: 0, format: Format::Unknown, frames: 0, last_ts: 0 }
    }

    /// Bytes fully parsed so far (the file offset of the first unparsed byte).
    pub fn consumed(&self) -> u64 {
        self.offset
    }

    /// Packet records seen so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Feed the next chunk of the file; every complete packet goes to `sink`.
    pub fn push(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Frame<'_>)) -> Result<(), CaptureError> {
        if self.start > 0 && (self.start >= self.buf.len() / 2 || self.buf.len() > (1 << 20)) {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(chunk);
        while let Some(used) = self.step(sink)? {
            self.start += used;
            self.offset += used as u64;
        }
        Ok(())
    }

    /// The file has ended: anything left over is a truncated record.
    pub fn finish(&self) -> Result<(), CaptureError> {
        let left = self.buf.len() - self.start;
        match self.format {
            Format::Unknown if self.offset == 0 && left == 0 => Err(CaptureError::Empty),
            Format::Unknown => Err(CaptureError::Truncated { offset: 0, what: "the magic number" }),
            Format::PcapHeader => Err(CaptureError::Truncated { offset: 0, what: "the pcap file header" }),
            Format::Pcap { .. } if left > 0 => {
                Err(CaptureError::Truncated { offset: self.offset, what: "a packet record" })
            }
            Format::Pcapng { .. } if left > 0 => {
                Err(CaptureError::Truncated { offset: self.offset, what: "a pcapng block" })
            }
            _ => Ok(()),
        }
    }

    /// Parse one header or record from the buffer; `None` when more bytes are needed.
    fn step(&mut self, sink: &mut dyn FnMut(Frame<'_>)) -> Result<Option<usize>, CaptureError> {
        let b = &self.buf[self.start..];
        let offset = self.offset;
        match &mut self.format {
            Format::Unknown => {
                if b.len() < 4 {
                    return Ok(None);
                }
                let magic = [b[0], b[1], b[2], b[3]];
                let le = u32::from_le_bytes(magic);
                let be = u32::from_be_bytes(magic);
                self.format = if [le, be].contains(&PCAP_MICROS) || [le, be].contains(&PCAP_NANOS) {
                    Format::PcapHeader
                } else if le == PCAPNG_SHB {
                    Format::Pcapng { big: false, interfaces: Vec::new() }
                } else {
                    return Err(CaptureError::BadMagic { found: magic });
                };
                Ok(Some(0))
            }
            Format::PcapHeader => {
                if b.len() < 24 {
                    return Ok(None);
                }
                let big = u32_at(b, 0, true) == PCAP_MICROS || u32_at(b, 0, true) == PCAP_NANOS;
                let nanos = u32_at(b, 0, big) == PCAP_NANOS;
                let (major, minor) = (u16_at(b, 4, big), u16_at(b, 6, big));
                if major != 2 {
                    return Err(CaptureError::Version { major, minor });
                }
                // The link type is the low 28 bits; the top bits may describe an FCS.
                let link_type = u32_at(b, 20, big) & 0x0fff_ffff;
                self.format = Format::Pcap { big, nanos, link_type };
                Ok(Some(24))
            }
            Format::Pcap { big, nanos, link_type } => {
                if b.len() < 16 {
                    return Ok(None);
                }
                let (big, nanos, link_type) = (*big, *nanos, *link_type);
                let sec = u64::from(u32_at(b, 0, big));
                let frac = u64::from(u32_at(b, 4, big));
                let incl = u32_at(b, 8, big);
                let orig = u32_at(b, 12, big);
                if incl > MAX_PACKET {
                    return Err(CaptureError::BadLength {
                        offset,
                        what: "a packet record's captured length",
                        len: u64::from(incl),
                        max: u64::from(MAX_PACKET),
                    });
                }
                let total = 16 + incl as usize;
                if b.len() < total {
                    return Ok(None);
                }
                let ts_ns = sec * 1_000_000_000 + if nanos { frac.min(999_999_999) } else { frac.min(999_999) * 1000 };
                self.frames += 1;
                self.last_ts = ts_ns;
                sink(Frame { number: self.frames, ts_ns, link_type, data: &b[16..total], orig_len: orig.max(incl) });
                Ok(Some(total))
            }
            Format::Pcapng { big, interfaces } => {
                if b.len() < 12 {
                    return Ok(None);
                }
                let block_type = u32_at(b, 0, *big);
                if block_type == PCAPNG_SHB {
                    // A section header sets the byte order for the blocks that follow.
                    let bom = u32_at(b, 8, false);
                    *big = match bom {
                        PCAPNG_BOM => false,
                        0x4d3c_2b1a => true,
                        _ => {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: format!("the section header's byte-order magic is {bom:#010x}"),
                            })
                        }
                    };
                }
                let big = *big;
                let len = u32_at(b, 4, big);
                if len < 12 || len % 4 != 0 || len > MAX_BLOCK {
                    return Err(CaptureError::BadLength {
                        offset,
                        what: "a pcapng block's total length",
                        len: u64::from(len),
                        max: u64::from(MAX_BLOCK),
                    });
                }
                let len = len as usize;
                if b.len() < len {
                    return Ok(None);
                }
                let block = &b[..len];
                if u32_at(block, len - 4, big) != len as u32 {
                    return Err(CaptureError::Malformed {
                        offset,
                        what: "a block's trailing length differs from its leading length".into(),
                    });
                }
                let body = &block[8..len - 4];
                match block_type {
                    PCAPNG_SHB => {
                        if body.len() < 16 {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: "a section header is too short".into(),
                            });
                        }
                        let (major, minor) = (u16_at(body, 4, big), u16_at(body, 6, big));
                        if major != 1 {
                            return Err(CaptureError::Version { major, minor });
                        }
                        interfaces.clear();
                    }
                    BLOCK_IDB => {
                        if body.len() < 8 {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: "an interface description is too short".into(),
                            });
                        }
                        if interfaces.len() >= MAX_INTERFACES {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: format!(
                                    "more than {MAX_INTERFACES} interface descriptions in one section (this reader's \
                                     limit)"
                                ),
                            });
                        }
                        let link_type = u32::from(u16_at(body, 0, big));
                        let resol = tsresol(&body[8..], big);
                        interfaces.push(Interface { link_type, resol });
                    }
                    BLOCK_EPB => {
                        if body.len() < 20 {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: "an enhanced packet block is too short".into(),
                            });
                        }
                        let id = u32_at(body, 0, big);
                        let Some(iface) = interfaces.get(id as usize).copied() else {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: format!("a packet refers to interface {id}, which was not described"),
                            });
                        };
                        let units = (u64::from(u32_at(body, 4, big)) << 32) | u64::from(u32_at(body, 8, big));
                        let caplen = u32_at(body, 12, big);
                        let orig = u32_at(body, 16, big);
                        if caplen > MAX_PACKET || caplen as usize > body.len() - 20 {
                            return Err(CaptureError::BadLength {
                                offset,
                                what: "a packet's captured length",
                                len: u64::from(caplen),
                                max: (body.len() as u64 - 20).min(u64::from(MAX_PACKET)),
                            });
                        }
                        let ts_ns = iface.resol.to_ns(units);
                        self.frames += 1;
                        self.last_ts = ts_ns;
                        let data = &body[20..20 + caplen as usize];
                        sink(Frame {
                            number: self.frames,
                            ts_ns,
                            link_type: iface.link_type,
                            data,
                            orig_len: orig.max(caplen),
                        });
                    }
                    BLOCK_SPB => {
                        if body.len() < 4 {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: "a simple packet block is too short".into(),
                            });
                        }
                        let Some(iface) = interfaces.first().copied() else {
                            return Err(CaptureError::Malformed {
                                offset,
                                what: "a simple packet block comes before any interface description".into(),
                            });
                        };
                        let orig = u32_at(body, 0, big);
                        // The captured length is the smaller of the original length and
                        // the room in the block (pcapng §4.4).
                        let caplen = (orig as usize).min(body.len() - 4).min(MAX_PACKET as usize);
                        self.frames += 1;
                        sink(Frame {
                            number: self.frames,
                            ts_ns: self.last_ts,
                            link_type: iface.link_type,
                            data: &body[4..4 + caplen],
                            orig_len: orig.max(caplen as u32),
                        });
                    }
                    // Name resolution, statistics, custom and other blocks hold no packets.
                    _ => {}
                }
                Ok(Some(len))
            }
        }
    }
}

/// The `if_tsresol` option of an interface description, if present (pcapng §4.2).
fn tsresol(mut opts: &[u8], big: bool) -> Resolution {
    while opts.len() >= 4 {
        let code = u16_at(opts, 0, big);
        let len = usize::from(u16_at(opts, 2, big));
        let padded = (len + 3) & !3;
        if code == 0 || opts.len() < 4 + padded {
            break;
        }
        if code == OPT_IF_TSRESOL && len >= 1 {
            let v = opts[4];
            return if v & 0x80 != 0 { Resolution::Binary(v & 0x7f) } else { Resolution::Decimal(v) };
        }
        opts = &opts[4 + padded..];
    }
    Resolution::Decimal(6)
}
