//! Number and text formatting shared by the Markdown report, the terminal table and the charts.

use crate::compare::{Change, Verdict};

/// A value in its unit, with precision that suits its size: seconds below 1 s shown in ms.
pub fn value(value: Option<f64>, unit: &str) -> String {
    with_digits(value, unit, 3)
}

/// A value in its unit to five significant digits: what a tooltip shows on hover.
pub fn exact(value: Option<f64>, unit: &str) -> String {
    with_digits(value, unit, 5)
}

fn with_digits(value: Option<f64>, unit: &str, digits: i32) -> String {
    let Some(v) = value else { return "–".to_string() };
    if unit == "s" {
        return if v < 1.0 {
            format!("{} ms", significant_digits(v * 1000.0, digits))
        } else {
            format!("{} s", significant_digits(v, digits))
        };
    }
    format!("{} {unit}", significant_digits(v, digits))
}

/// Three significant digits, and whole numbers from 100 on.
pub fn significant(v: f64) -> String {
    significant_digits(v, 3)
}

/// `digits` significant digits, and whole numbers from 10^(digits - 1) on.
fn significant_digits(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v:.0}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).clamp(0, 12) as usize;
    format!("{v:.decimals$}")
}

/// `1 run`, `3 runs`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A QPS level as users write it (`0.5`, `10`).
pub fn qps(qps: f64) -> String {
    format!("{qps}")
}

/// A change against the baseline, e.g. `-12.3% ✓`; `✓` marks better, `✗` worse, `=` the same.
pub fn change(change: &Change) -> String {
    let Some(pct) = change.change_pct else { return "n/a".to_string() };
    let mark = match change.verdict {
        Some(Verdict::Better) => "✓",
        Some(Verdict::Worse) => "✗",
        _ => "=",
    };
    format!("{pct:+.1}% {mark}")
}

/// How many characters of a text from the user's files are echoed in a message.
pub const SHOWN_CHARS: usize = 80;

/// Text from the user's files made safe to echo in a message: control characters (escape sequences,
/// line ends) shown as `\u{1b}`-style escapes, and at most [`SHOWN_CHARS`] characters, then `…`.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}') {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes text for Markdown (table cells included): characters with a meaning become escapes or
/// entities, so names from the user's folders render as the text they are, never as markup or HTML.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // These only mean something at the start of a line (headings, lists, rules).
            '#' | '-' | '+' | '=' | '.' | '!' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Quantity;
    use crate::metric::Metric;
    use crate::stats::Stat;

    #[test]
    fn values_in_their_units() {
        assert_eq!(value(Some(0.0912), "s"), "91.2 ms");
        assert_eq!(value(Some(0.0004567), "s"), "0.457 ms");
        assert_eq!(value(Some(12.345), "s"), "12.3 s");
        assert_eq!(value(Some(1.5), "s"), "1.50 s");
        assert_eq!(value(Some(1234.56), "tokens/s"), "1235 tokens/s");
        assert_eq!(value(None, "s"), "–");
        assert_eq!(significant(0.012345), "0.0123");
        assert_eq!(exact(Some(1.4967123), "s"), "1.4967 s");
        assert_eq!(exact(Some(0.0123456), "s"), "12.346 ms");
        assert_eq!(exact(Some(123456.7), "tokens/s"), "123457 tokens/s");
        assert_eq!(qps(0.5), "0.5");
        assert_eq!(qps(10.0), "10");
    }

    #[test]
    fn changes_are_signed_and_marked() {
        let q = Quantity::Stat(Metric::Ttft, Stat::P50);
        assert_eq!(change(&Change::new(q, 2.0, 1.5).unwrap()), "-25.0% ✓");
        assert_eq!(change(&Change::new(q, 2.0, 2.2).unwrap()), "+10.0% ✗");
        assert_eq!(change(&Change::new(q, 2.0, 2.0).unwrap()), "+0.0% =");
        assert_eq!(change(&Change::new(q, 0.0, 2.0).unwrap()), "n/a");
    }

    #[test]
    fn shown_text_is_bounded_and_has_no_controls() {
        assert_eq!(shown("abc"), "abc");
        assert_eq!(shown("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        let long = "x".repeat(1000);
        assert_eq!(shown(&long).chars().count(), SHOWN_CHARS + 1);
    }

    #[test]
    fn markdown_escapes_markup_and_html() {
        assert_eq!(markdown("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(markdown("a|b*c_d"), "a&#124;b\\*c\\_d");
        assert_eq!(markdown("llm-d"), "llm-d");
        assert_eq!(markdown("-x [a](b)"), "\\-x \\[a\\](b)");
    }
}
