//! synack-core: a sans-IO TCP engine that follows RFC 9293, a seeded network
//! emulator, declarative scenarios and the traces that the visualizer animates.
//!
//! The flow of one run (see `docs/architecture.md`):
//! [`Scenario`] → [`sim::run`] drives two [`Endpoint`]s and a [`net::Network`] on a
//! virtual clock → a [`Trace`] of timestamped events.
//!
//! Nothing here reads a clock or a random source: the scenario carries the seed, the
//! caller's virtual time drives the timers, and a run is the same on every platform.
//!
//! ```
//! use synack_core::{catalogue, sim, State};
//!
//! let mut scenario = catalogue::scenario("three-way-handshake").unwrap();
//! scenario.client.isn = Some(100);
//! scenario.server.isn = Some(300);
//! let trace = sim::run(&scenario).unwrap();
//!
//! let seqs: Vec<_> = trace.sends().map(|(_, s)| (s.flag_names().join(","), s.seq.0, s.ack.map(|a| a.0))).collect();
//! assert_eq!(seqs, [("SYN".into(), 100, None), ("SYN,ACK".into(), 300, Some(101)), ("ACK".into(), 101, Some(301))]);
//! assert_eq!(trace.outcome.server, State::Established);
//! ```

#![forbid(unsafe_code)]
// No std: the browser's module leaves out std's panic and formatting machinery
// (see crates/synack-wasm). Everything here needs only an allocator.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

/// This build models a listener's queues and the lessons beside them (keep-alive,
/// an application that does not read, a cut path, hosts the diagram does not
/// draw): the `queues` feature, on by default. The browser's lean module leaves
/// it out, and these constant-false tests let the optimiser drop their code; its
/// catalogue still lists their scenarios, marked [`catalogue::Entry::full`].
pub(crate) const QUEUES: bool = cfg!(feature = "queues");

/// What std's prelude would bring: the collections and macros of `alloc`.
mod prelude {
    pub(crate) use alloc::format;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

pub mod action;
pub mod catalogue;
pub mod endpoint;
pub mod json;
pub mod net;
pub mod profile;
pub mod reason;
pub mod rng;
pub mod scenario;
mod scenario_json;
pub mod segment;
pub mod seq;
pub mod side;
pub mod sim;
pub mod state;
pub mod text;
pub mod trace;
pub mod variant;

pub use endpoint::{AppError, AppNote, Endpoint, EndpointConfig, Note, TimerAction, TimerKind, Transmit};
pub use profile::{Handshake, Profile, ProfileName, UnexpectedAnswer};
pub use reason::Reason;
pub use scenario::{Scenario, ScenarioError};
pub use segment::{header_len, Flags, Segment, TcpOptions, WireOption};
pub use seq::SeqNum;
pub use side::{Dir, Side};
pub use sim::run;
pub use state::State;
pub use trace::{Event, EventKind, Trace};
pub use variant::Variant;
