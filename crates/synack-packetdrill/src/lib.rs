//! synack-packetdrill: packetdrill scripts against the synack engine.
//!
//! A packetdrill script is one TCP stack under test against a scripted remote:
//! `<` lines are segments the remote sends, `>` lines segments the stack must
//! send, the other lines the application's system calls with their expected
//! results. Here the stack under test is the engine's sans-IO [`synack_core::Endpoint`]
//! with the `linux` profile.
//!
//! - [`script`]: the reader for the connection-management subset; anything
//!   outside it is refused with its line and column ([`ScriptError`]).
//! - [`run`]: the runner, which plays the script against the engine on a virtual
//!   clock and gives packetdrill's kind of verdict: pass, or the first mismatch
//!   with its script line.
//! - [`report`]: the run as JSON, the trace with the script line of each event.
//!
//! See `docs/packetdrill.md` for the subset, what is refused, and how the scripts
//! in `tests/scripts/` were checked against this machine's Linux.

#![forbid(unsafe_code)]

mod lex;
pub mod report;
pub mod run;
pub mod script;

pub use run::{run, Check, Run, Verdict};
pub use script::{parse, Script, ScriptError};
