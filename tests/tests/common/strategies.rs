//! Random networks and ISNs for the property tests (properties.rs, oracle.rs).

use proptest::prelude::*;
use synack_core::net::Link;

/// A link with random latency, jitter, loss, duplication and reordering.
pub fn link() -> impl Strategy<Value = Link> {
    (1_000u64..200_000, 0u64..30_000, 0.0..0.25f64, 0.0..0.2f64, 0.0..0.3f64).prop_map(
        |(latency_us, jitter_us, loss, duplicate, reorder)| Link {
            latency_us,
            jitter_us,
            loss,
            duplicate,
            reorder,
            ..Link::default()
        },
    )
}

/// Any ISN, or one within 3000 of 2^32, where sequence numbers wrap.
pub fn isn() -> impl Strategy<Value = u32> {
    prop_oneof![any::<u32>(), (u32::MAX - 3000)..=u32::MAX]
}
