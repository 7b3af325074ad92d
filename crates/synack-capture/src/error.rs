//! What can go wrong when reading a capture: one enum, one line of text each.

use core::fmt;

/// A capture that cannot be read. Every variant prints as one line that says what is
/// wrong and where (the byte offset in the file, or the frame number).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum CaptureError {
    /// The file is empty.
    Empty,
    /// The first four bytes are neither a pcap nor a pcapng magic number.
    BadMagic { found: [u8; 4] },
    /// The file ends inside a header or a record.
    Truncated { offset: u64, what: &'static str },
    /// A length field is impossible or beyond this reader's limits.
    BadLength { offset: u64, what: &'static str, len: u64, max: u64 },
    /// A pcapng block that must come first (a section header) or an interface that a
    /// packet refers to is missing.
    Malformed { offset: u64, what: String },
    /// An unsupported pcap or pcapng version.
    Version { major: u16, minor: u16 },
    /// The file is larger than the reader accepts in one go.
    TooLarge { max: u64 },
    /// The capture holds no TCP segment at all.
    NoTcp { frames: u64, skipped: String },
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Empty => f.write_str("the file is empty; expected a pcap or pcapng capture"),
            CaptureError::BadMagic { found } => write!(
                f,
                "not a pcap or pcapng file: it starts with bytes {:02x} {:02x} {:02x} {:02x}",
                found[0], found[1], found[2], found[3]
            ),
            CaptureError::Truncated { offset, what } => {
                write!(f, "the file is truncated: it ends inside {what} that starts at byte {offset}")
            }
            CaptureError::BadLength { offset, what, len, max } => {
                write!(f, "absurd length at byte {offset}: {what} says {len} bytes (at most {max} accepted)")
            }
            CaptureError::Malformed { offset, what } => write!(f, "malformed capture at byte {offset}: {what}"),
            CaptureError::Version { major, minor } => {
                write!(f, "unsupported capture format version {major}.{minor}")
            }
            CaptureError::TooLarge { max } => write!(f, "the capture is larger than {max} bytes"),
            CaptureError::NoTcp { frames, skipped } => {
                if *frames == 0 {
                    f.write_str("the capture holds no packets")
                } else {
                    write!(f, "no TCP segment among the {frames} packets of the capture ({skipped})")
                }
            }
        }
    }
}

impl std::error::Error for CaptureError {}
