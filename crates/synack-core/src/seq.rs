//! Sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4).

use core::fmt;
use core::ops::{Add, Sub};

use serde::Serialize;

/// A TCP sequence or acknowledgment number.
///
/// Arithmetic wraps at 2^32, and ordering is the RFC's circular ordering: `a < b`
/// when `b` is less than 2^31 ahead of `a`. That is why this type implements
/// [`PartialOrd`] but not [`Ord`]: the order is not transitive around the whole circle.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// The distance from `earlier` forward to `self`, as a signed number.
    pub fn since(self, earlier: SeqNum) -> i32 {
        self.0.wrapping_sub(earlier.0) as i32
    }

    /// `lo < self <= hi` in sequence space, the shape of most RFC acceptability tests.
    pub fn in_open_closed(self, lo: SeqNum, hi: SeqNum) -> bool {
        lo < self && self <= hi
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    fn add(self, rhs: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(rhs))
    }
}

impl Sub<u32> for SeqNum {
    type Output = SeqNum;
    fn sub(self, rhs: u32) -> SeqNum {
        SeqNum(self.0.wrapping_sub(rhs))
    }
}

impl PartialOrd for SeqNum {
    fn partial_cmp(&self, other: &SeqNum) -> Option<core::cmp::Ordering> {
        Some(self.since(*other).cmp(&0))
    }
}

impl fmt::Debug for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isn_at_the_top_of_the_space_is_acknowledged_with_zero() {
        let isn = SeqNum(u32::MAX);
        assert_eq!(isn + 1, SeqNum(0));
        assert!(isn < isn + 1);
        assert!(SeqNum(0) > isn);
    }

    #[test]
    fn ordering_is_circular() {
        assert!(SeqNum(10) < SeqNum(20));
        assert!(SeqNum(u32::MAX - 5) < SeqNum(5));
        assert!(SeqNum(5) > SeqNum(u32::MAX - 5));
        assert_eq!(SeqNum(3).since(SeqNum(u32::MAX)), 4);
        assert_eq!(SeqNum(u32::MAX).since(SeqNum(3)), -4);
    }

    #[test]
    fn open_closed_interval_wraps() {
        let una = SeqNum(u32::MAX - 1);
        let nxt = SeqNum(2);
        assert!(SeqNum(0).in_open_closed(una, nxt));
        assert!(SeqNum(2).in_open_closed(una, nxt));
        assert!(!una.in_open_closed(una, nxt));
        assert!(!SeqNum(3).in_open_closed(una, nxt));
    }
}
