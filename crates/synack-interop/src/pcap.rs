//! Classic pcap files (the format tcpdump and Wireshark read) with raw IP packets:
//! a 24-byte file header, then a 16-byte record header before each packet.
//! Little-endian, microsecond timestamps, link type `LINKTYPE_RAW` (101), whose
//! packets begin with the IPv4 or IPv6 header. This module writes them; reading
//! them back is synack-capture's reader, the one `synack import` uses.

use core::fmt;

use synack_capture::file::Framer;
use synack_capture::CaptureError;

/// `LINKTYPE_RAW`: each packet is an IP packet with no link-layer header.
pub const LINKTYPE_RAW: u32 = 101;
/// The magic number of a microsecond-resolution pcap file.
const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
/// The longest packet a record keeps.
const SNAPLEN: u32 = 65_535;
const FILE_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

/// One captured packet: its time in microseconds since the Unix epoch, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub t_us: u64,
    pub data: Vec<u8>,
}

/// The bytes of a pcap file holding `records`, in order.
pub fn write(records: &[Record]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(FILE_HEADER_LEN + records.iter().map(|r| RECORD_HEADER_LEN + r.data.len()).sum::<usize>());
    out.extend_from_slice(&MAGIC_MICROS.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes()); // Version 2.4.
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // Timestamps are in UTC.
    out.extend_from_slice(&0u32.to_le_bytes()); // Timestamp accuracy: unused by readers.
    out.extend_from_slice(&SNAPLEN.to_le_bytes());
    out.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    for r in records {
        let len = r.data.len().min(SNAPLEN as usize);
        out.extend_from_slice(&((r.t_us / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((r.t_us % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out.extend_from_slice(&(r.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&r.data[..len]);
    }
    out
}

/// Why bytes are not a pcap file this module wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PcapError {
    /// synack-capture's reader refused the file (not a capture, or cut short).
    Unreadable(CaptureError),
    /// A packet's link type is not `LINKTYPE_RAW`.
    LinkType(u32),
}

impl fmt::Display for PcapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcapError::Unreadable(e) => e.fmt(f),
            PcapError::LinkType(t) => write!(f, "link type {t} is not LINKTYPE_RAW (101)"),
        }
    }
}

impl std::error::Error for PcapError {}

/// Read back a pcap file in the form [`write`] produces, with synack-capture's
/// reader (which reads any pcap or pcapng; the records must be raw IP).
pub fn read(bytes: &[u8]) -> Result<Vec<Record>, PcapError> {
    let mut framer = Framer::new();
    let mut records = Vec::new();
    let mut foreign = None;
    framer
        .push(bytes, &mut |frame| {
            if frame.link_type != LINKTYPE_RAW {
                foreign.get_or_insert(frame.link_type);
            }
            records.push(Record { t_us: frame.ts_ns / 1000, data: frame.data.to_vec() });
        })
        .map_err(PcapError::Unreadable)?;
    framer.finish().map_err(PcapError::Unreadable)?;
    match foreign {
        Some(link) => Err(PcapError::LinkType(link)),
        None => Ok(records),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_with_their_times_and_bytes() {
        let records =
            vec![Record { t_us: 1_700_000_000_123_456, data: vec![0x45, 1, 2] }, Record { t_us: 7, data: vec![] }];
        let bytes = write(&records);
        assert_eq!(bytes.len(), 24 + 16 + 3 + 16);
        assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "the magic, little-endian");
        assert_eq!(&bytes[24..28], &1_700_000_000u32.to_le_bytes(), "seconds");
        assert_eq!(&bytes[28..32], &123_456u32.to_le_bytes(), "microseconds");
        assert_eq!(read(&bytes).unwrap(), records);
    }

    #[test]
    fn foreign_or_cut_files_are_refused_with_a_reason() {
        let bytes = write(&[Record { t_us: 0, data: vec![1, 2, 3, 4] }]);
        // The record that starts at byte 24 lacks its last byte.
        assert_eq!(
            read(&bytes[..bytes.len() - 1]),
            Err(PcapError::Unreadable(CaptureError::Truncated { offset: 24, what: "a packet record" }))
        );
        let mut ether = bytes.clone();
        ether[20] = 1;
        assert_eq!(read(&ether).unwrap_err().to_string(), "link type 1 is not LINKTYPE_RAW (101)");
        assert_eq!(read(b"nope"), Err(PcapError::Unreadable(CaptureError::BadMagic { found: *b"nope" })));
    }
}
