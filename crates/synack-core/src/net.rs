//! A seeded, deterministic network between the two endpoints: per-direction latency,
//! jitter, loss, duplication, reordering and transmission time, plus the faults a
//! teacher scripts (lose segment k, delay segment k, inject an old duplicate).

use crate::prelude::*;
use serde::Serialize;

use crate::rng::Rng;
use crate::segment::Segment;
use crate::side::Dir;

/// One direction of the path. Times in microseconds, rates in [0, 1].
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct Link {
    pub latency_us: u64,
    /// A uniform extra delay in `0..=jitter_us`; segments still arrive in order
    /// unless `reorder` picks them.
    pub jitter_us: u64,
    pub loss: f64,
    pub duplicate: f64,
    /// The chance that a segment is held back by `reorder_delay_us`, letting later
    /// ones overtake it.
    pub reorder: f64,
    pub reorder_delay_us: u64,
    /// Time on the wire per segment: back-to-back segments leave this far apart.
    pub tx_time_us: u64,
}

pub const DEFAULT_LATENCY_US: u64 = 50_000;

impl Default for Link {
    fn default() -> Link {
        Link {
            latency_us: DEFAULT_LATENCY_US,
            jitter_us: 0,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            reorder_delay_us: 30_000,
            tx_time_us: 0,
        }
    }
}

/// Why the network lost a segment.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropCause {
    /// The link's random loss rate.
    Loss,
    /// The scenario (or a reader's click) asked for this segment to be lost.
    Scripted,
    /// The path was cut (`network.faults.cut_at_us`): nothing gets through.
    Cut,
    /// It is addressed to a host that does not exist: a SYN flood's forged source
    /// address. Nothing receives it, and nothing answers.
    NoHost,
}

/// What became of a segment handed to the network.
#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    Dropped(DropCause),
    /// It leaves at `depart_us`; one arrival time per copy (two when duplicated).
    Sent {
        depart_us: u64,
        arrivals: Vec<u64>,
    },
}

#[derive(Clone, Debug)]
struct InFlight {
    arrive_us: u64,
    order: u64,
    id: u32,
    dir: Dir,
    segment: Segment,
}

#[derive(Clone, Debug, Default)]
struct LinkClock {
    /// When the wire is next free.
    free_us: u64,
    /// The latest in-order arrival so far: FIFO unless reordered.
    last_arrival_us: u64,
}

/// Segments in flight between the two sides.
#[derive(Clone, Debug)]
pub struct Network {
    links: [Link; 2],
    clocks: [LinkClock; 2],
    rng: Rng,
    in_flight: Vec<InFlight>,
    order: u64,
}

impl Network {
    pub fn new(c2s: Link, s2c: Link, seed: u64) -> Network {
        Network { links: [c2s, s2c], clocks: Default::default(), rng: Rng::new(seed), in_flight: Vec::new(), order: 0 }
    }

    /// Decide a segment's fate. Every call draws the same number of random values,
    /// so one scripted change does not reshuffle the luck of unrelated segments.
    pub fn transmit(&mut self, now: u64, dir: Dir, scripted_drop: bool, extra_delay_us: u64) -> Fate {
        let i = dir as usize;
        let link = &self.links[i];
        let lost = self.rng.chance(link.loss);
        let duplicated = self.rng.chance(link.duplicate);
        let jitter = self.rng.up_to(link.jitter_us);
        let reordered = self.rng.chance(link.reorder);
        let dup_jitter = self.rng.up_to(link.jitter_us);
        if scripted_drop {
            return Fate::Dropped(DropCause::Scripted);
        }
        if lost {
            return Fate::Dropped(DropCause::Loss);
        }
        let clock = &mut self.clocks[i];
        let depart = now.max(clock.free_us);
        clock.free_us = depart + link.tx_time_us;
        let base = depart + link.tx_time_us + link.latency_us;
        let mut first = base + jitter;
        if reordered {
            first += link.reorder_delay_us;
        } else if extra_delay_us == 0 {
            first = first.max(clock.last_arrival_us);
            clock.last_arrival_us = first;
        }
        first += extra_delay_us;
        let mut arrivals = vec![first];
        if duplicated {
            let copy = (base + dup_jitter).max(first);
            arrivals.push(copy);
        }
        Fate::Sent { depart_us: depart, arrivals }
    }

    /// Put a segment on the wire to arrive at `arrive_us`.
    pub fn schedule(&mut self, arrive_us: u64, dir: Dir, id: u32, segment: Segment) {
        self.order += 1;
        self.in_flight.push(InFlight { arrive_us, order: self.order, id, dir, segment });
    }

    pub fn next_arrival(&self) -> Option<u64> {
        self.in_flight.iter().map(|f| f.arrive_us).min()
    }

    /// The next segment due by `now`, earliest first, ties in the order sent.
    pub fn pop_due(&mut self, now: u64) -> Option<(u32, Dir, Segment)> {
        let (idx, _) = self
            .in_flight
            .iter()
            .enumerate()
            .filter(|(_, f)| f.arrive_us <= now)
            .min_by_key(|(_, f)| (f.arrive_us, f.order))?;
        let f = self.in_flight.swap_remove(idx);
        Some((f.id, f.dir, f.segment))
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_link_delivers_after_its_latency_in_order() {
        let mut net = Network::new(Link::default(), Link::default(), 1);
        assert_eq!(net.transmit(0, Dir::C2s, false, 0), Fate::Sent { depart_us: 0, arrivals: vec![50_000] });
        assert_eq!(net.transmit(10, Dir::C2s, false, 0), Fate::Sent { depart_us: 10, arrivals: vec![50_010] });
    }

    #[test]
    fn scripted_drop_and_delay() {
        let mut net = Network::new(Link::default(), Link::default(), 1);
        assert_eq!(net.transmit(0, Dir::S2c, true, 0), Fate::Dropped(DropCause::Scripted));
        assert_eq!(net.transmit(0, Dir::S2c, false, 7), Fate::Sent { depart_us: 0, arrivals: vec![50_007] });
    }

    #[test]
    fn jitter_never_reorders_unless_asked() {
        let link = Link { jitter_us: 40_000, ..Link::default() };
        let mut net = Network::new(link.clone(), link, 9);
        let mut last = 0;
        for t in 0..200u64 {
            if let Fate::Sent { arrivals, .. } = net.transmit(t * 100, Dir::C2s, false, 0) {
                assert!(arrivals[0] >= last);
                last = arrivals[0];
            }
        }
    }

    #[test]
    fn transmission_time_spaces_back_to_back_segments() {
        let link = Link { tx_time_us: 1_000, ..Link::default() };
        let mut net = Network::new(link.clone(), link, 1);
        let Fate::Sent { depart_us: a, .. } = net.transmit(0, Dir::C2s, false, 0) else { panic!() };
        let Fate::Sent { depart_us: b, .. } = net.transmit(0, Dir::C2s, false, 0) else { panic!() };
        assert_eq!((a, b), (0, 1_000));
    }

    #[test]
    fn same_seed_same_fates() {
        let lossy = Link { loss: 0.3, duplicate: 0.2, jitter_us: 5_000, ..Link::default() };
        let run = |seed| {
            let mut net = Network::new(lossy.clone(), lossy.clone(), seed);
            (0..50).map(|t| net.transmit(t * 1000, Dir::C2s, false, 0)).collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }
}
