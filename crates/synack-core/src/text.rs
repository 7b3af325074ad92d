//! Messages built without `core::fmt`.
//!
//! The browser's module never formats anything with `format!`: the formatting
//! machinery, and std's panic machinery that drags it in, were a tenth of the
//! download (BENCHMARKS.md). Every message the engine can produce while running
//! a scenario is built here from its parts instead: string slices as they are,
//! whole numbers in decimal.
//!
//! ```
//! use synack_core::text;
//! assert_eq!(text!["action ", 3_usize, ": at most ", 20_u32, " retries"], "action 3: at most 20 retries");
//! ```

/// A piece of a message.
pub trait Part {
    fn push_to(&self, out: &mut String);
}

impl Part for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Part for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Part + ?Sized> Part for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

macro_rules! whole_numbers {
    ($($t:ty),*) => {$(
        impl Part for $t {
            fn push_to(&self, out: &mut String) {
                push_decimal(out, *self as u64);
            }
        }
    )*};
}
whole_numbers!(u8, u16, u32, u64, usize);

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// A message from its parts: `text!["at most ", MAX, " bytes"]`.
#[macro_export]
macro_rules! text {
    ($($part:expr),* $(,)?) => {{
        let mut out = $crate::text::String::new();
        $( $crate::text::Part::push_to(&$part, &mut out); )*
        out
    }};
}

#[doc(hidden)]
pub use alloc::string::String;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_display() {
        for n in [0, 1, 9, 10, 99, 100, 4_294_967_295, u64::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, std::format!("{n}"));
        }
    }

    #[test]
    fn parts_join_in_order() {
        let side = "client";
        assert_eq!(text![side, ".mss must be at least 64, found ", 12_u16], "client.mss must be at least 64, found 12");
    }
}
