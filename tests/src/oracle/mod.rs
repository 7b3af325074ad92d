//! An independent oracle for the engine (issue 11, "Prove it").
//!
//! It reads only a run's trace, through its own plain model of the trace format
//! (`model`), and replays it against its own small model of TCP (`check`): its own
//! modulo-2^32 comparisons, its own table of RFC 9293's state diagram, its own
//! bookkeeping of SND.NXT, RCV.NXT and the retransmission timer. It shares no code
//! with `synack-core`'s endpoint: a bug there cannot hide itself here.

mod check;
mod flow;
mod model;
mod queues;

pub use check::check;
pub use model::{diff, event, le, lt, within, Call, Cookie, Ev, Note, Run, Seg, St, TimerAct, TimerName, K};

use std::collections::BTreeMap;
use std::fmt;

/// The rules, numbered as in issue 11.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Rule {
    /// 1. SEQ within [ISS, SND.NXT], ACK = RCV.NXT, the ACK bit after the first SYN.
    SeqAck,
    /// 2. SYN and FIN each take one sequence number.
    SynFin,
    /// 3. Every state change is an edge of RFC 9293's state diagram.
    StateDiagram,
    /// 4. RST forms of RFC 9293 §3.10.7.1, §3.10.7.3, §3.10.5.
    RstForm,
    /// 5. Karn's rule (RFC 6298 §3, §5).
    Karn,
    /// 6. RTO values (RFC 6298 §2, §5) and when to give up (RFC 9293 §3.8.3).
    Rto,
    /// 7. TIME-WAIT lasts 2×MSL and a retransmitted FIN restarts it.
    TimeWait,
    /// 8. No stall: data delivered or the connection reported broken; a FIN after close.
    NoStall,
    /// 9. The two-way and four-way modes follow their documented rules.
    HandshakeMode,
    /// 10. A listener's SYN and accept queues, and SYN cookies (Linux; RFC 4987).
    Queues,
    /// 11. Flow control: data within the offered window, zero-window probes.
    Flow,
}

impl Rule {
    pub fn title(self) -> &'static str {
        match self {
            Rule::SeqAck => "rule 1: seq/ack arithmetic (RFC 9293 §3.4, §3.10.7.4)",
            Rule::SynFin => "rule 2: SYN and FIN take one sequence number (RFC 9293 §3.4)",
            Rule::StateDiagram => "rule 3: state changes follow RFC 9293 Fig. 5",
            Rule::RstForm => "rule 4: RST forms (RFC 9293 §3.10.7.1, §3.10.7.3, §3.10.5)",
            Rule::Karn => "rule 5: Karn's rule (RFC 6298 §3, §5)",
            Rule::Rto => "rule 6: RTO values and give-up times (RFC 6298 §2, §5; RFC 9293 §3.8.3)",
            Rule::TimeWait => "rule 7: TIME-WAIT (RFC 9293 §3.10.7.4, §3.10.8)",
            Rule::NoStall => "rule 8: no stall (RFC 9293 §3.8.1, §3.10.4)",
            Rule::HandshakeMode => "rule 9: handshake modes (docs/architecture.md, Handshake modes)",
            Rule::Queues => "rule 10: listener queues and SYN cookies (Linux tcp_conn_request; RFC 4987)",
            Rule::Flow => "rule 11: flow control, zero windows and their probes (RFC 9293 §3.8.6)",
        }
    }
}

/// One broken rule in one run.
#[derive(Clone, Debug)]
pub struct Violation {
    pub rule: Rule,
    /// A short name for what was checked, to group alike violations.
    pub check: &'static str,
    /// Run label, event index and time, expected and seen, RFC section.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{} / {}] {}", self.rule.title(), self.check, self.message)
    }
}

/// Violations from many runs, grouped by rule and check.
#[derive(Default, Debug)]
pub struct Report {
    pub runs: u64,
    pub segments: u64,
    pub events: u64,
    groups: BTreeMap<(Rule, &'static str), Group>,
}

#[derive(Default, Debug)]
struct Group {
    count: u64,
    examples: Vec<String>,
    /// How many violations per scenario and handshake mode.
    by_scenario: BTreeMap<String, u64>,
}

impl Report {
    /// Check one run and add what it breaks.
    pub fn add(&mut self, run: &Run) {
        self.runs += 1;
        self.events += run.events.len() as u64;
        self.segments += run.events.iter().filter(|e| matches!(e.k, K::Send { .. })).count() as u64;
        let scenario = run.label.split(" isn").next().unwrap_or_default();
        for v in check(run) {
            let g = self.groups.entry((v.rule, v.check)).or_default();
            g.count += 1;
            *g.by_scenario.entry(scenario.to_owned()).or_default() += 1;
            if g.examples.len() < 3 {
                if g.examples.is_empty() && std::env::var("ORACLE_DUMP").is_ok_and(|d| d == v.check) {
                    // For debugging a check: the whole run behind its first example.
                    let dump: Vec<String> = run.events.iter().enumerate().map(|(i, e)| format!("#{i} {e:?}")).collect();
                    let _ = std::fs::write(
                        format!("/tmp/oracle-dump-{}.txt", v.check),
                        format!("{}\n{}\n", run.label, dump.join("\n")),
                    );
                }
                g.examples.push(v.message);
            }
        }
    }

    pub fn violations(&self) -> u64 {
        self.groups.values().map(|g| g.count).sum()
    }

    pub fn is_clean(&self) -> bool {
        self.groups.is_empty()
    }

    /// Violations per rule, and per check the count and the first three examples.
    pub fn grouped(&self) -> String {
        let mut out = String::new();
        let mut last = None;
        for ((rule, check), g) in &self.groups {
            if last != Some(*rule) {
                let total: u64 = self.groups.iter().filter(|((r, _), _)| r == rule).map(|(_, g)| g.count).sum();
                out += &format!("\n{} — {total} violation(s)\n", rule.title());
                last = Some(*rule);
            }
            let by: Vec<String> = g.by_scenario.iter().map(|(s, n)| format!("{s}: {n}")).collect();
            out += &format!("  {check}: {} — {}\n", g.count, by.join(", "));
            for e in &g.examples {
                out += &format!("    - {e}\n");
            }
        }
        out
    }
}
