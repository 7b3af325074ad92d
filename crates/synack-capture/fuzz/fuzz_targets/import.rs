//! Any bytes, read whole and in chunks, and listed in one pass with bounds small
//! enough that every path of the lister runs (stretches, set-aside connections,
//! early reads): the reader returns a capture or one line of error, never panics,
//! and all three ways agree on the error. Run it as BENCHMARKS.md ("Fuzzing") says.

#![no_main]

use libfuzzer_sys::fuzz_target;
use synack_capture::{Importer, Limits, Lister, StreamLimits};

/// Sequence space filled in for what a capture did not show: 1 MiB rather than
/// 256 MiB, so that inputs with far-apart sequence numbers (the seeds have them)
/// take milliseconds, not a second, and the budget runs out often.
const UNSEEN: u64 = 1 << 20;

fn import(data: &[u8]) -> Result<synack_capture::Capture, synack_capture::CaptureError> {
    let mut imp = Importer::with_limits(Limits { max_unseen: UNSEEN, ..Limits::default() });
    imp.push(data)?;
    imp.finish()
}

fuzz_target!(|data: &[u8]| {
    let whole = import(data);
    // The first byte chooses a chunk size, so that chunk boundaries move around.
    let chunk = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let mut imp = Importer::with_limits(Limits { max_unseen: UNSEEN, ..Limits::default() });
    let mut pushed = Ok(());
    for piece in data.chunks(chunk) {
        pushed = imp.push(piece);
        if pushed.is_err() {
            break;
        }
    }
    let chunked = pushed.and_then(|()| imp.finish());
    match (&whole, &chunked) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.to_json(), b.to_json());
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b);
            assert!(!a.to_string().contains('\n'));
        }
        _ => panic!("whole and chunked reading disagree: {:?} vs {:?}", whole.is_ok(), chunked.is_ok()),
    }

    let limits = StreamLimits {
        max_open: 3,
        max_buffered: 40,
        stretch: 5,
        ladder_segments: 50,
        quiet_ns: 1_000_000,
        linger_ns: 5_000_000,
        max_linger: 4,
        max_unseen: UNSEEN,
    };
    let mut lister = Lister::with_limits(Some(2), limits);
    let mut listed = 0u64;
    let mut pushed = Ok(());
    for piece in data.chunks(chunk) {
        pushed = lister.push(piece);
        listed += lister.ready().count() as u64;
        if pushed.is_err() {
            break;
        }
    }
    let end = pushed.and_then(|()| lister.finish());
    listed += lister.ready().count() as u64;
    match (&whole, &end) {
        (Ok(_), Ok(l)) => assert_eq!(listed, l.connections, "every connection is listed once"),
        (Err(a), Err(b)) => assert_eq!(a, b),
        // The whole reader stops 1 MiB after its segment limit, before any error later on.
        (Ok(_), Err(_)) => assert!(data.len() > 1 << 20),
        (Err(a), Ok(_)) => panic!("the lister read what the whole reader refused: {a}"),
    }
});
