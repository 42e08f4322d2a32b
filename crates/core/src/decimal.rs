//! Decimal text to `f64`, correctly rounded, as `str::parse::<f64>` reads it, without the table std's
//! parser carries: its 10 KB of 128-bit powers of five do not compress and were 4 % of the page's code.
//!
//! Three paths, each exact: Clinger's (a significand and a power of ten that are both exact f64s, one
//! rounding); a quotient checked against the midpoints around it in 128-bit integers (up to 19 digits and
//! 22 decimals: the common case of a float written by Python or Go); and the same check in big integers for
//! everything else (long or extreme numbers), from a guess a few ulps away at most.

use std::cmp::Ordering;

/// Powers of ten that are exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Significant digits kept for the exact path; any beyond count as one more nonzero digit. No f64 nor
/// midpoint between two has more than 767 significant digits, so no rounding boundary falls between a
/// number and that stand-in for it.
const KEPT_DIGITS: usize = 780;

/// `text` as `str::parse::<f64>` reads it (an optional sign, then digits with an optional point and
/// exponent, or `inf`, `infinity` or `nan` in any case), or `None` where it gives an error.
pub fn parse(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let magnitude = match number(unsigned) {
        Some(value) => value,
        None if unsigned.eq_ignore_ascii_case(b"inf") || unsigned.eq_ignore_ascii_case(b"infinity") => f64::INFINITY,
        None if unsigned.eq_ignore_ascii_case(b"nan") => f64::NAN,
        None => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The nearest f64 to `bytes` if they are digits with an optional point (with digits on at least one side)
/// and an optional exponent.
fn number(bytes: &[u8]) -> Option<f64> {
    let (mut at, mut significand, mut digits) = (0, 0, 0);
    read_digits(bytes, &mut at, &mut significand, &mut digits);
    let mut fraction_digits = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        read_digits(bytes, &mut at, &mut significand, &mut digits);
        fraction_digits = at - start;
    }
    if digits == 0 {
        return None;
    }
    let mantissa = &bytes[..at];
    let mut exponent = 0i64;
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        let negative = bytes.get(at) == Some(&b'-');
        at += matches!(bytes.get(at), Some(b'+' | b'-')) as usize;
        let start = at;
        while let Some(&digit @ b'0'..=b'9') = bytes.get(at) {
            // Saturated far beyond any f64's range, so that nothing overflows below.
            exponent = (exponent * 10 + i64::from(digit - b'0')).min(1 << 40);
            at += 1;
        }
        if at == start {
            return None;
        }
        if negative {
            exponent = -exponent;
        }
    }
    if at != bytes.len() {
        return None;
    }
    let exponent = exponent - fraction_digits as i64;
    let quick = if digits <= 19 { quick(significand, exponent) } else { None };
    Some(quick.unwrap_or_else(|| exact(mantissa, exponent)))
}

/// `significand × 10^exponent`, correctly rounded, where a quick path can tell it: a significand and a power
/// of ten that are both exact f64s (Clinger's path: one rounding), a product that fits 128 bits (whose
/// conversion rounds once), or a quotient checked against the midpoints around it in 128 bits.
#[inline(always)]
pub(crate) fn quick(significand: u64, exponent: i64) -> Option<f64> {
    if exponent.unsigned_abs() > 22 {
        return None;
    }
    let power = POW10[exponent.unsigned_abs() as usize];
    if significand <= 1 << 53 {
        Some(if exponent < 0 { significand as f64 / power } else { significand as f64 * power })
    } else if exponent >= 0 {
        Some(u128::from(significand).checked_mul(10u128.pow(exponent as u32))? as f64)
    } else {
        let guess = significand as f64 / power;
        let places = exponent.unsigned_abs() as u32;
        // Most often the guess is plainly the nearest: x - guess, in units of the guess's last place, is
        // (significand × 2^-e − m × 10^places) / 10^places, whose numerator is small enough to compute modulo
        // 2^64 (within 2 × 10^places). At the foot of a binade the place below is half as large: left out.
        let (m, e) = parts(guess);
        if places <= 18 && e <= 0 && m != 1 << 52 {
            // 10^places as an integer: exact in the f64 up to 10^22.
            let power = power as u64;
            let scaled = significand.checked_shl(e.unsigned_abs()).unwrap_or(0);
            let remainder = scaled.wrapping_sub(m.wrapping_mul(power)) as i64;
            if remainder.unsigned_abs() * 2 < power {
                return Some(guess);
            }
        }
        by_midpoints(significand, places, guess)
    }
}

/// The f64 nearest `significand / 10^places` (places ≤ 22), from `guess` within an ulp or two, by its
/// midpoints in 128-bit integers; `None` if one would overflow them. Out of line: rarely needed.
#[cold]
fn by_midpoints(significand: u64, places: u32, guess: f64) -> Option<f64> {
    let power_of_ten = 10u128.pow(places);
    nearest(guess, |b| {
        // significand × 2^-power against numerator × 10^places.
        let (numerator, power) = midpoint_above(b);
        let scaled = u128::from(numerator).checked_mul(power_of_ten)?;
        let shift = |value: u128, by: i32| (value.leading_zeros() as i32 > by).then(|| value << by);
        Some(if power <= 0 {
            shift(u128::from(significand), -power)?.cmp(&scaled)
        } else {
            u128::from(significand).cmp(&shift(scaled, power)?)
        })
    })
}

/// The nearest f64 to the digits of `mantissa` (a point among them left out) times `10^exponent`, by big
/// integers: the slow path, for long or extreme numbers.
#[cold]
fn exact(mantissa: &[u8], exponent: i64) -> f64 {
    let mut significant = mantissa.iter().filter(|b| **b != b'.').map(|b| b - b'0').skip_while(|d| *d == 0);
    let count = significant.clone().count();
    // The power of ten of the first significant digit, plus one.
    let order = count as i64 + exponent;
    if count == 0 || order < -324 {
        return 0.0;
    }
    if order > 310 {
        return f64::INFINITY;
    }
    let (mut digits, mut leading) = (Big::default(), 0u64);
    let kept = count.min(KEPT_DIGITS);
    for (i, digit) in significant.by_ref().take(kept).enumerate() {
        digits.mul_add(10, u32::from(digit));
        if i < 19 {
            leading = leading * 10 + u64::from(digit);
        }
    }
    let guess = approximate(leading, order - kept.min(19) as i64);
    let mut exponent = order - kept as i64;
    if significant.any(|d| d != 0) {
        digits.mul_add(10, 1);
        exponent -= 1;
    }
    // `digits × 10^exponent` against `numerator × 2^power`, both sides made integers.
    let exponent = exponent as i32;
    let (mut scaled_digits, mut scale) = (digits, Big::from(1));
    if exponent >= 0 {
        scaled_digits.mul_pow5(exponent as u32);
    } else {
        scale.mul_pow5(exponent.unsigned_abs());
    }
    let vs_midpoint = |b| {
        let (numerator, power) = midpoint_above(b);
        let (mut left, mut right) = (scaled_digits.clone(), scale.clone());
        right.mul_add(numerator, 0);
        let shift = exponent - power;
        if shift >= 0 {
            left.shl(shift as u32);
        } else {
            right.shl(shift.unsigned_abs());
        }
        Some(left.compare(&right))
    };
    // Big integers always compare, so `nearest` always answers.
    nearest(guess, vs_midpoint).unwrap_or(guess)
}

/// `leading × 10^exponent` in f64 arithmetic, within a few ulps: a start for [`nearest`].
fn approximate(leading: u64, exponent: i64) -> f64 {
    let mut value = leading as f64;
    let mut left = exponent;
    // Whole steps of 10^22 first, the rest last, so that only the last step can leave the normal range.
    while left.abs() > 22 {
        let step = left.signum() * 22;
        value = if step < 0 { value / POW10[22] } else { value * POW10[22] };
        left -= step;
    }
    let power = POW10[left.unsigned_abs() as usize];
    if left < 0 {
        value / power
    } else {
        value * power
    }
}

/// `b` (finite, ≥ 0) as `m × 2^e`, m an integer below 2^53.
fn parts(b: f64) -> (u64, i32) {
    let bits = b.to_bits();
    let biased = (bits >> 52) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    }
}

/// The midpoint between `b` (finite, ≥ 0) and the next f64 up, as `numerator × 2^power`.
fn midpoint_above(b: f64) -> (u64, i32) {
    let (m, e) = parts(b);
    (2 * m + 1, e - 1)
}

/// The f64 nearest a number x, found from `guess` by stepping one ulp at a time, where `vs_midpoint(b)`
/// orders x against the midpoint above `b`: ties go to the even one. `None` if `vs_midpoint` gives up.
fn nearest(guess: f64, vs_midpoint: impl Fn(f64) -> Option<Ordering>) -> Option<f64> {
    let even = |b: f64| b.to_bits() & 1 == 0;
    let mut b = guess.min(f64::MAX);
    loop {
        let up = vs_midpoint(b)?;
        if up == Ordering::Greater || (up == Ordering::Equal && !even(b)) {
            b = b.next_up();
            if b == f64::INFINITY {
                return Some(b);
            }
            continue;
        }
        if b > 0.0 {
            let below = b.next_down();
            let down = vs_midpoint(below)?;
            if down == Ordering::Less || (down == Ordering::Equal && even(below)) {
                b = below;
                continue;
            }
        }
        return Some(b);
    }
}

/// The bytes of a little-endian word that are not digits, marked (bits set in them): a byte is a digit
/// when its high nibble is 3 and stays 3 with 6 added (a carry out of a byte of 0xFA or more marks only
/// bytes after it, which come after the first mark anyway).
#[inline]
pub(crate) fn not_digits(word: u64) -> u64 {
    const THREES: u64 = 0x3030_3030_3030_3030;
    let high = |w: u64| w & 0xF0F0_F0F0_F0F0_F0F0;
    (high(word) ^ THREES) | (high(word.wrapping_add(0x0606_0606_0606_0606)) ^ THREES)
}

/// The value of eight digits in a little-endian word (leading zero bytes count as zeros).
#[inline]
fn value_of_eight(word: u64) -> u64 {
    let word = (word & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561) >> 8;
    let word = (word & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    (word & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32
}

/// Reads the digits at `*at` into `significand` (which wraps past 19 digits; `digits` counts them), eight
/// bytes at a time: the last few by shifting the bytes after them out of their word.
#[inline]
pub(crate) fn read_digits(bytes: &[u8], at: &mut usize, significand: &mut u64, digits: &mut u32) {
    const POWERS: [u64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];
    while let Some(word) = bytes.get(*at..*at + 8) {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let marks = not_digits(word);
        if marks == 0 {
            *significand = significand.wrapping_mul(100_000_000).wrapping_add(value_of_eight(word));
            *digits += 8;
            *at += 8;
            continue;
        }
        let n = (marks.trailing_zeros() / 8) as usize;
        if n > 0 {
            let value = value_of_eight(word << (64 - 8 * n));
            *significand = significand.wrapping_mul(POWERS[n]).wrapping_add(value);
            *digits += n as u32;
            *at += n;
        }
        return;
    }
    while let Some(&d @ b'0'..=b'9') = bytes.get(*at) {
        *significand = significand.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        *digits += 1;
        *at += 1;
    }
}

/// A natural number in 32-bit limbs, least significant first, with no zero limb on top.
#[derive(Clone, Default)]
struct Big(Vec<u32>);

impl From<u32> for Big {
    fn from(value: u32) -> Big {
        let mut big = Big::default();
        big.mul_add(1, value);
        big
    }
}

impl Big {
    /// `self × factor + addend`.
    fn mul_add(&mut self, factor: u64, addend: u32) {
        let mut carry = u128::from(addend);
        for limb in &mut self.0 {
            carry += u128::from(*limb) * u128::from(factor);
            *limb = carry as u32;
            carry >>= 32;
        }
        while carry > 0 {
            self.0.push(carry as u32);
            carry >>= 32;
        }
    }

    /// `self × 5^power`.
    fn mul_pow5(&mut self, mut power: u32) {
        // 5^27 is the largest power of five below 2^64.
        while power > 0 {
            let step = power.min(27);
            self.mul_add(5u64.pow(step), 0);
            power -= step;
        }
    }

    /// `self × 2^bits`.
    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            self.mul_add(1 << bits, 0);
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn compare(&self, other: &Big) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    /// `n` random decimal digits.
    fn digits(rng: &mut Rng, n: u64) -> String {
        (0..n).map(|_| char::from(b'0' + rng.below(10) as u8)).collect()
    }

    /// Reads `text` as std does, bit for bit (any NaN for a NaN).
    fn same(text: &str) {
        let ours = parse(text);
        let std = text.parse::<f64>().ok();
        match (ours, std) {
            (Some(a), Some(b)) if a.is_nan() && b.is_nan() => {}
            (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{text}: {a:e} against std's {b:e}"),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "{text}: {a:?} against std's {b:?}"),
        }
    }

    #[test]
    fn syntax_as_std_reads_it() {
        for text in [
            "",
            "+",
            "-",
            ".",
            "+.",
            "e5",
            ".e5",
            "1e",
            "1e+",
            "1e-",
            "1.e5",
            ".5",
            "5.",
            "-.5e-3",
            "+5",
            "++5",
            "--5",
            "1_000",
            " 1",
            "1 ",
            "0x10",
            "1.2.3",
            "1e5.5",
            "1e5e5",
            "inf",
            "-inf",
            "+Infinity",
            "INF",
            "infinit",
            "infinityy",
            "nan",
            "NaN",
            "-nan",
            "nAn",
            "nan1",
            "in",
            "1,5",
            "1e+-5",
            "00012",
            "0.000",
            "-0",
            "-0.0e9",
            "1E400",
            "-1e400",
            "1e-400",
            "0e999999999999999999999",
            "1e999999999999999999999",
            "1e-999999999999999999999",
            "١",
            "1\u{0}",
        ] {
            same(text);
        }
    }

    #[test]
    fn edges_of_the_range_and_of_rounding() {
        for text in [
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "179769313486231580793728971405301e276",
            // The midpoint between f64::MAX and 2^1024, which rounds to infinity, and just below it.
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "2.47032822920623272e-324",
            "5e-324",
            "1e-323",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000000000000000000000000001",
            "18446744073709551615",
            "18446744073709551616e3",
            "123456789012345678901234567890",
            "0.1",
            "0.30000000000000004",
            "0.047150611877441406",
            "1746687514.7472718",
            "1e22",
            "1e23",
            "8.98846567431158e307",
            "0.000000000000000000000000000000000000000000001",
        ] {
            same(text);
            same(&format!("-{text}"));
        }
    }

    #[test]
    fn midpoints_and_their_neighbours_in_full() {
        // Each f64's exact midpoint with the next one up, written out in full (up to 767 digits), and the
        // same with a last digit more or less: the hardest cases for any parser.
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..300 {
            let b = f64::from_bits(rng.below(0x7FEF_FFFF_FFFF_FFFF));
            let (numerator, power) = midpoint_above(b);
            let mut digits = Big::from(1);
            digits.mul_add(numerator, 0);
            let (text, exponent) = if power >= 0 {
                digits.shl(power as u32);
                (digits, 0)
            } else {
                digits.mul_pow5(power.unsigned_abs());
                (digits, power)
            };
            let mut decimal = decimal_of(&text);
            same(&format!("{decimal}e{exponent}"));
            decimal.push('1');
            same(&format!("{decimal}e{}", exponent - 1));
            decimal.pop();
            decimal.push_str("9999");
            same(&format!("{decimal}e{}", exponent - 4));
            // Just below: the last digit one less, then nines.
            decimal.truncate(decimal.len() - 4);
            if let Some(last) = decimal.pop().filter(|d| *d > '0') {
                decimal.push(char::from(last as u8 - 1));
                decimal.push_str("99");
                same(&format!("{decimal}e{}", exponent - 2));
            }
        }
    }

    /// A [`Big`] in decimal digits.
    fn decimal_of(big: &Big) -> String {
        let mut limbs = big.0.clone();
        let mut out = Vec::new();
        while limbs.iter().any(|l| *l != 0) {
            let mut remainder = 0u64;
            for limb in limbs.iter_mut().rev() {
                let value = remainder << 32 | u64::from(*limb);
                *limb = (value / 10) as u32;
                remainder = value % 10;
            }
            out.push(b'0' + remainder as u8);
        }
        out.reverse();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn random_decimals_as_std_reads_them() {
        let mut rng = Rng(12345);
        for round in 0..200_000 {
            let lengths =
                [rng.below(if round % 50 == 0 { 400 } else { 22 }), rng.below(if round % 37 == 0 { 900 } else { 22 })];
            let [integer, fraction] = lengths.map(|n| digits(&mut rng, n));
            let mut text = match rng.below(4) {
                0 => integer,
                1 => format!("{integer}.{fraction}"),
                2 => format!("0.{}{fraction}", "0".repeat(rng.below(30) as usize)),
                _ => format!("{integer}.{fraction}e{}", rng.below(700) as i64 - 350),
            };
            if rng.below(5) == 0 {
                let mantissa = text.split('e').next().unwrap_or_default().to_string();
                text = format!("{mantissa}e-{}", rng.below(340));
            }
            same(&text);
        }
    }

    #[test]
    fn shortest_and_long_forms_of_random_f64s() {
        let mut rng = Rng(777);
        for _ in 0..200_000 {
            let v = f64::from_bits(rng.below(0x7FF0_0000_0000_0000));
            same(&format!("{v:e}"));
            same(&format!("{v}"));
            same(&format!("{v:.20e}"));
            same(&format!("{:.17}", v * 1e-3));
            // The common case: times and durations as Python writes them, 15 to 17 digits and up to 22
            // decimals, which the 128-bit path reads.
            let moderate = f64::from_bits(rng.below(1 << 52) | (1000 + rng.below(90)) << 52);
            same(&format!("{moderate}"));
            same(&format!("{moderate:.16}"));
        }
    }
}
