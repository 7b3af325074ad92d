//! The variants a comparison sets beside a scenario as written (the element's
//! `compare`, the command line's `--variant`): the same scenario with Linux's
//! defaults instead of the RFC's, without TIME-WAIT, or aborting where it closes.
//! Handshake comparisons are not here: a handshake is a field of the scenario.

use crate::action::ActionKind;
use crate::profile::ProfileName;
use crate::scenario::Scenario;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Variant {
    /// Both sides run the `linux` profile (the catalogue's run the `rfc` one).
    Linux,
    /// The counterfactual: TIME-WAIT lasts no time at all, on both sides.
    NoTimeWait,
    /// The first close() becomes abort(): a RST instead of a FIN (RFC 9293 §3.10.5).
    Abort,
    /// The counterfactual of RFC 793's ISNs: the clock alone, without RFC 6528's
    /// keyed hash of the ports, on both sides.
    IsnClock,
}

impl Variant {
    pub const ALL: [Variant; 4] = [Variant::Linux, Variant::NoTimeWait, Variant::Abort, Variant::IsnClock];

    pub fn name(self) -> &'static str {
        match self {
            Variant::Linux => "linux",
            Variant::NoTimeWait => "no-time-wait",
            Variant::Abort => "abort",
            Variant::IsnClock => "isn-clock",
        }
    }

    pub fn parse(s: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.name() == s)
    }

    /// Whether the variant changes anything in `sc`: the profile always; no
    /// TIME-WAIT and abort only where an application closes; the ISN's hash only
    /// where a listener meets a peer other than the drawn client.
    pub fn applies_to(self, sc: &Scenario) -> bool {
        match self {
            Variant::Linux => true,
            Variant::NoTimeWait | Variant::Abort => sc.actions.iter().any(|s| s.action == ActionKind::Close),
            Variant::IsnClock => crate::QUEUES && sc.network.faults.inject.iter().any(|i| i.port.is_some()),
        }
    }

    /// Why the variant changes nothing in a scenario where it does not apply.
    pub fn inapplicable(self) -> &'static str {
        match self {
            Variant::IsnClock => {
                "no host but the client meets the listener (the hash is counted from the client's port)"
            }
            // (linux applies to every scenario.)
            Variant::Linux | Variant::NoTimeWait | Variant::Abort => "the scenario never calls close()",
        }
    }

    pub fn apply(self, sc: &mut Scenario) {
        match self {
            Variant::Linux => {
                sc.client.profile = ProfileName::Linux;
                sc.server.profile = ProfileName::Linux;
            }
            Variant::NoTimeWait => {
                sc.client.time_wait_us = Some(0);
                sc.server.time_wait_us = Some(0);
            }
            Variant::Abort => {
                if let Some(step) = sc.actions.iter_mut().find(|s| s.action == ActionKind::Close) {
                    step.action = ActionKind::Abort;
                }
            }
            Variant::IsnClock => {
                sc.client.isn_hash = Some(false);
                sc.server.isn_hash = Some(false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;
    use crate::prelude::*;
    use crate::segment::Segment;
    use crate::sim::run;
    use crate::state::State;
    use crate::trace::EventKind;
    use crate::Side;

    fn sends(sc: &Scenario) -> Vec<(Side, Segment)> {
        run(sc)
            .unwrap()
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Send { segment, .. } => Some((e.side, segment.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn without_time_wait_a_lost_final_ack_ends_in_a_reset() {
        let mut sc = catalogue::untitled("final-ack-lost").unwrap();
        Variant::NoTimeWait.apply(&mut sc);
        let trace = run(&sc).unwrap();
        let skipped = trace.events.iter().any(|e| matches!(&e.kind, EventKind::State { to: State::Closed, reason, .. } if reason.key() == "time-wait-skipped"));
        assert!(skipped, "the client forgets the connection at once");
        // The server's FIN, sent again, meets a closed port: the client answers RST.
        let rst = sends(&sc).into_iter().any(|(side, s)| side == Side::Client && s.flags.rst);
        assert!(rst, "a reset where TIME-WAIT would have acknowledged the FIN again");
        let mut with = catalogue::untitled("final-ack-lost").unwrap();
        with.horizon_us = sc.horizon_us;
        assert!(!sends(&with).iter().any(|(_, s)| s.flags.rst), "with TIME-WAIT, no reset");
    }

    #[test]
    fn abort_sends_a_reset_where_close_sends_a_fin() {
        let mut sc = catalogue::untitled("four-way-teardown").unwrap();
        assert!(Variant::Abort.applies_to(&sc));
        Variant::Abort.apply(&mut sc);
        let first = sends(&sc).into_iter().find(|(_, s)| s.flags.fin || s.flags.rst).unwrap();
        assert!(first.1.flags.rst && !first.1.flags.fin);
        assert!(!Variant::Abort.applies_to(&catalogue::untitled("connect-timeout").unwrap()));
    }

    #[test]
    fn linux_offers_every_option_in_its_syn() {
        let mut sc = catalogue::untitled("three-way-handshake").unwrap();
        Variant::Linux.apply(&mut sc);
        let syn = sends(&sc).into_iter().next().unwrap().1;
        assert_eq!(syn.options.layout().len(), 5, "mss, sackOK, TS, nop, wscale");
        assert_eq!(Variant::parse("no-time-wait"), Some(Variant::NoTimeWait));
        assert_eq!(Variant::parse("nope"), None);
    }
}
