//! Text through the project's float parser against std's, which must agree bit for bit: on the bytes as
//! given, and on them read as number-like characters (digits, point, exponent, signs), where the hard
//! cases are (long digit strings, midpoints, extreme exponents).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serving_compare::decimal;

fn same(text: &str) {
    match (decimal::parse(text), text.parse::<f64>().ok()) {
        (Some(ours), Some(std)) => {
            assert!(ours.to_bits() == std.to_bits() || (ours.is_nan() && std.is_nan()), "{text:?}: {ours:e} against std's {std:e}")
        }
        (ours, std) => assert_eq!(ours.is_some(), std.is_some(), "{text:?}: {ours:?} against std's {std:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        same(text);
    }
    const NUMBER_LIKE: &[u8; 16] = b"0123456789.e-+09";
    let text: String = data.iter().map(|b| char::from(NUMBER_LIKE[usize::from(b & 15)])).collect();
    same(&text);
});
