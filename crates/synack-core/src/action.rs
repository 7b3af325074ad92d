//! What an application does: the calls a scenario lists, and the validated form
//! in which the trace records them.

use crate::prelude::*;

use serde::Serialize;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    Listen,
    Connect,
    Send,
    /// Close the sending side only; keep reading (half-close).
    Shutdown,
    /// Close the socket.
    Close,
    /// Abort with a RST.
    Abort,
    /// The host crashes and forgets the connection.
    Crash,
    /// Take the oldest connection from the listener's accept queue (`accept()`).
    Accept,
    /// Read what waits in the receive buffer (an application that does not read
    /// as data arrives: `reads` false).
    Read,
}

/// A validated action, as the trace records it: `{"do":"send","len":37,"text":"…"}`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum Action {
    Listen,
    Connect,
    Send {
        len: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(skip)]
        data: Vec<u8>,
    },
    Shutdown,
    Close,
    Abort,
    Crash,
    Accept,
    Read,
}
