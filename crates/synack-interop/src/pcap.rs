//! Classic pcap files (the format tcpdump and Wireshark read) with raw IP packets:
//! a 24-byte file header, then a 16-byte record header before each packet.
//! Little-endian, microsecond timestamps, link type `LINKTYPE_RAW` (101), whose
//! packets begin with the IPv4 or IPv6 header.

use core::fmt;

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
    /// The first four bytes are not the little-endian microsecond magic.
    BadMagic(u32),
    /// The file's link type is not `LINKTYPE_RAW`.
    LinkType(u32),
    /// The file ends inside a header or a packet.
    Truncated { offset: usize },
}

impl fmt::Display for PcapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PcapError::BadMagic(m) => write!(f, "not a little-endian microsecond pcap file (magic {m:#010x})"),
            PcapError::LinkType(t) => write!(f, "link type {t} is not LINKTYPE_RAW (101)"),
            PcapError::Truncated { offset } => write!(f, "the pcap file is cut short at byte {offset}"),
        }
    }
}

impl std::error::Error for PcapError {}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, PcapError> {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or(PcapError::Truncated { offset: at })
}

/// Read back a pcap file in the form [`write`] produces.
pub fn read(bytes: &[u8]) -> Result<Vec<Record>, PcapError> {
    let magic = u32_at(bytes, 0)?;
    if magic != MAGIC_MICROS {
        return Err(PcapError::BadMagic(magic));
    }
    let link = u32_at(bytes, 20)?;
    if link != LINKTYPE_RAW {
        return Err(PcapError::LinkType(link));
    }
    let mut at = FILE_HEADER_LEN;
    let mut records = Vec::new();
    while at < bytes.len() {
        let secs = u64::from(u32_at(bytes, at)?);
        let micros = u64::from(u32_at(bytes, at + 4)?);
        let caplen = u32_at(bytes, at + 8)? as usize;
        let start = at + RECORD_HEADER_LEN;
        let data = bytes.get(start..start + caplen).ok_or(PcapError::Truncated { offset: start })?;
        records.push(Record { t_us: secs * 1_000_000 + micros, data: data.to_vec() });
        at = start + caplen;
    }
    Ok(records)
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
        assert_eq!(read(&bytes[..bytes.len() - 1]), Err(PcapError::Truncated { offset: 40 }));
        let mut ether = bytes.clone();
        ether[20] = 1;
        assert_eq!(read(&ether).unwrap_err().to_string(), "link type 1 is not LINKTYPE_RAW (101)");
        assert_eq!(read(b"nope"), Err(PcapError::BadMagic(u32::from_le_bytes(*b"nope"))));
    }
}
