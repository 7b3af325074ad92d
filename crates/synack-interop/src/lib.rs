//! synack-interop: the synack engine against real TCP stacks.
//!
//! - [`wire`]: the engine's [`synack_core::Segment`] as IPv4/TCP bytes with correct
//!   checksums, and back (smoltcp's wire module lays out the headers).
//! - [`host`]: one engine endpoint and the record of its run (state changes,
//!   application notes, segments).
//! - [`smol`]: the engine against smoltcp in one process, on a virtual clock.
//! - [`linux`]: the engine against the Linux kernel's TCP through a TUN device in a
//!   network namespace the run creates (needs root and `/dev/net/tun`).
//! - [`pcap`] and [`capture`]: every packet of a run in a pcap file, and the states
//!   the engine went through beside it, for the capture importer to check against.
//!
//! See `docs/interop.md` for what is tested and how the Linux runs set up and clean up.

#![forbid(unsafe_code)]

pub mod capture;
pub mod host;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod pcap;
pub mod smol;
pub mod wire;
