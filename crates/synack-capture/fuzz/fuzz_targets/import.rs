//! Any bytes, read whole and in chunks: the reader returns a capture or one line of
//! error, never panics, and both ways agree. Run it as docs/capture-format.md says.

#![no_main]

use libfuzzer_sys::fuzz_target;
use synack_capture::{import, Importer};

fuzz_target!(|data: &[u8]| {
    let whole = import(data);
    // The first byte chooses a chunk size, so that chunk boundaries move around.
    let chunk = usize::from(data.first().copied().unwrap_or(1)).max(1);
    let mut imp = Importer::new();
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
});
