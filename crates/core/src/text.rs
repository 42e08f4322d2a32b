//! Number and text formatting shared by the Markdown report, the terminal table and the charts, and the
//! one escaping function per medium for text from the user's files: [`terminal`], [`markdown`], [`xml`].
//! Numbers come out bounded (no run of hundreds of digits), and never as `NaN`, `inf` or `-0`.

use crate::compare::Change;
use crate::decimal;
use bench_stats::verdict::State;
use std::borrow::Cow;

/// A value in its unit, with precision that suits its size: seconds below 1 s shown in ms.
pub fn value(value: Option<f64>, unit: &str) -> String {
    with_digits(value, unit, 3)
}

/// A value in its unit to five significant digits: what a tooltip shows on hover.
pub fn exact(value: Option<f64>, unit: &str) -> String {
    with_digits(value, unit, 5)
}

/// What a table shows for a value that is unknown (or, defensively, not finite).
pub const NO_VALUE: &str = "–";

fn with_digits(value: Option<f64>, unit: &str, digits: i32) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else { return NO_VALUE.to_string() };
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

/// `digits` significant digits, and whole numbers from 10^(digits - 1) on; in exponent form (`1.70e308`)
/// from 10^9 on and below 10^-4, where plain digits would run long.
fn significant_digits(v: f64, digits: i32) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() { "0".to_string() } else { NO_VALUE.to_string() };
    }
    let magnitude = v.abs().log10().floor() as i32;
    if !(-4..9).contains(&magnitude) {
        return scientific(v, (digits - 1) as usize);
    }
    let decimals = (digits - 1 - magnitude).clamp(0, 12) as usize;
    format!("{v:.decimals$}")
}

/// A setting given as a fraction, in percent without trailing zeros: 0.95 → `95`, 0.025 → `2.5`.
pub fn percent(fraction: f64) -> String {
    let text = format!("{:.4}", fraction * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `v` (finite, not 0) as a mantissa with `decimals` decimals and a power of ten: `1.70e308`. Written
/// with fixed-point formatting, whose code the page has anyway (`format!`'s exponent form adds its own).
fn scientific(v: f64, decimals: usize) -> String {
    // By the f64 nearest the power of ten (parsed: `powi` is off by a few units), in two steps below
    // 1e-307, since 10^-324 is no f64 though 5e-324 is.
    let ten = |exponent: i32| decimal::parse(&format!("1e{exponent}")).unwrap_or(1.0);
    let scaled = |exponent: i32| if exponent >= -307 { v / ten(exponent) } else { v / ten(-300) / ten(exponent + 300) };
    let mut exponent = v.abs().log10().floor() as i32;
    exponent += (scaled(exponent).abs() >= 10.0) as i32 - (scaled(exponent).abs() < 1.0) as i32;
    let mut mantissa = format!("{:.decimals$}", scaled(exponent));
    // Rounding may carry into a tenth digit: 9.996e5 to two decimals is 1.00e6.
    if mantissa.trim_start_matches('-').starts_with("10") {
        exponent += 1;
        mantissa = format!("{:.decimals$}", scaled(exponent));
    }
    format!("{mantissa}e{exponent}")
}

/// A number as written in a file, compactly: the shortest form that reads back the same (`0.5`, `10`),
/// and outside 1e-6..1e15, where that would run to hundreds of digits, 15 significant digits in exponent
/// form (`1e308`, `2.5e-7`).
pub fn number(v: f64) -> String {
    let v = v + 0.0; // -0 is 0
    if v == 0.0 || !v.is_finite() || (1e-6..1e15).contains(&v.abs()) {
        return format!("{v}");
    }
    let text = scientific(v, 14);
    let (mantissa, exponent) = text.split_at(text.find('e').unwrap_or(text.len()));
    format!("{}{exponent}", mantissa.trim_end_matches('0').trim_end_matches('.'))
}

/// `1 run`, `3 runs`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A QPS level as users write it (`0.5`, `10`).
pub fn qps(qps: f64) -> String {
    number(qps)
}

/// A signed number to one decimal (`+12.3`, `-0.4`, `+0.0` for one that rounds to none), in exponent
/// form from a million on; `n/a` if it is not finite.
pub fn signed(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let rounded = (v * 10.0).round() / 10.0 + 0.0;
    if rounded.abs() < 1e6 {
        format!("{rounded:+.1}")
    } else {
        format!("{}{}", if v > 0.0 { "+" } else { "" }, scientific(v, 2))
    }
}

/// A signed percentage: `+12.3%` (see [`signed`]).
pub fn signed_percent(pct: f64) -> String {
    format!("{}%", signed(pct))
}

/// A change against the baseline with its interval and verdict, e.g. `-12.3% [-17.9, -6.8] ✓`; `n/a`
/// where no percentage can be had (a baseline of 0).
pub fn change(change: &Change) -> String {
    let Some(pct) = change.change_pct else { return "n/a".to_string() };
    let interval =
        change.change_pct_ci.map(|[low, high]| format!(" [{}, {}]", signed(low), signed(high))).unwrap_or_default();
    let mark = verdict_mark(change.verdict, change.without_correction.is_some());
    format!("{}{interval}{}{mark}", signed_percent(pct), if mark.is_empty() { "" } else { " " })
}

/// The mark of a verdict in tables: ✓ better, ✗ worse, = same, ? inconclusive († when only the
/// multiplicity correction made it so), and the reason in a word where there is no interval.
pub fn verdict_mark(state: State, corrected: bool) -> &'static str {
    match state {
        State::Better => "✓",
        State::Worse => "✗",
        State::Same => "=",
        State::Inconclusive if corrected => "?†",
        State::Inconclusive => "?",
        State::Insufficient => "too few",
        State::Unstable => "unstable",
        State::NotApplicable => "",
    }
}

/// A change's verdict in a sentence, for tooltips and notes: what it means and on what it rests.
pub fn verdict_explained(change: &Change) -> String {
    let meaning = match (change.verdict, change.without_correction) {
        (State::Better, _) => "better beyond the noise threshold".to_string(),
        (State::Worse, _) => "worse beyond the noise threshold".to_string(),
        (State::Same, _) => "the same: the whole interval lies within the noise threshold".to_string(),
        (State::Inconclusive, Some(alone)) => {
            format!("can't tell once corrected for the report's many comparisons (alone it would be {})", alone.key())
        }
        (State::Inconclusive, None) => "can't tell: the interval reaches across the noise threshold".to_string(),
        (State::Insufficient, _) => "too few requests for an interval".to_string(),
        (State::Unstable, _) => "not compared: a run never reached a steady state".to_string(),
        (State::NotApplicable, _) => "no interval".to_string(),
    };
    let basis = match (change.change_pct_ci, change.method, &change.reason) {
        (Some([low, high]), Some(method), _) => {
            format!("interval {} to {} ({})", signed_percent(low), signed_percent(high), method.describe())
        }
        (_, _, Some(reason)) => reason.clone(),
        _ => String::new(),
    };
    if basis.is_empty() {
        meaning
    } else {
        format!("{meaning}; {basis}")
    }
}

/// How many characters of a text from the user's files are quoted in a message.
pub const SHOWN_CHARS: usize = 80;

/// How many characters of a name a file gives (a scenario, model, endpoint, version or id) are kept.
pub const NAME_CHARS: usize = 200;

/// At most `max` characters of `text`, then `…` if it went on.
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// Text from the user's files quoted in a message: at most [`SHOWN_CHARS`] characters, then `…`, with
/// characters that would act on a terminal escaped (see [`terminal`]). Messages go to every medium.
pub fn shown(text: &str) -> String {
    terminal(&cut(text, SHOWN_CHARS)).into_owned()
}

/// Whether a character would act rather than show, on a terminal or in a text: control characters
/// (escape sequences, line ends, C1 controls), line and paragraph separators, and the bidirectional
/// controls that reorder what follows.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal: characters that would act on it shown as `\u{1b}`-style escapes, so that names and
/// messages from the input can't recolour, retitle or clear the screen, move the cursor, or fake a line.
pub fn terminal(text: &str) -> Cow<'_, str> {
    escaped(text, is_hidden)
}

/// Escapes text for Markdown (table cells included) wherever it is put: characters with a meaning become
/// escapes or entities, and what would start a block (a heading, list, quote, rule or code block) where
/// the text starts a line is escaped too, blanks and a list's number included, as are blanks at the end;
/// so names from the user's folders render as the text they are, never as markup or HTML. Characters that would act on a terminal
/// are escaped as there.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Whether only blanks and digits came so far: what may still open a block.
    let mut leading = true;
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            ' ' if leading => out.push_str("&#32;"),
            '#' | '-' | '+' | '=' | '.' | ')' | '!' if leading => {
                out.push('\\');
                out.push(c);
            }
            c if is_hidden(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
        leading = leading && (c == ' ' || c.is_ascii_digit());
    }
    // Blanks at the end too, which a table cell or a list item would drop.
    let blanks = out.len() - out.trim_end_matches(' ').len();
    out.truncate(out.len() - blanks);
    out.push_str(&"&#32;".repeat(blanks));
    out
}

/// Text made valid XML 1.0 (an SVG file): the characters XML forbids (control characters but tab and
/// line ends, U+FFFE and U+FFFF) shown as `\u{1}`-style escapes. Markup characters are the writer's to
/// escape.
pub fn xml(text: &str) -> Cow<'_, str> {
    escaped(text, |c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}'))
}

/// `text` with the characters `escape` picks shown as `\u{1b}`-style escapes.
fn escaped(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
        assert_eq!(
            (percent(0.95), percent(0.05), percent(0.025), percent(0.9999)),
            ("95".into(), "5".into(), "2.5".into(), "99.99".into())
        );
        assert_eq!(qps(10.0), "10");
    }

    #[test]
    fn changes_show_their_interval_and_verdict() {
        let estimate = crate::inference::Estimate::Refused { state: State::NotApplicable, reason: "one run".into() };
        let at = |baseline: f64, value: f64, ci: Option<[f64; 2]>, verdict: State, without_correction| Change {
            metric: Quantity::Stat(Metric::Ttft, Stat::P50),
            stat: Some("p50"),
            baseline_value: baseline,
            value,
            change_pct: (baseline != 0.0).then(|| (value - baseline) / baseline * 100.0),
            better: crate::metric::Better::Lower,
            change_pct_ci: ci,
            ratio: None,
            ratio_ci: None,
            method: ci.map(|_| crate::inference::Method::PercentileBootstrapBeta),
            p_dir: None,
            p_eq: None,
            verdict,
            without_correction,
            reason: None,
            estimate: estimate.clone(),
        };
        assert_eq!(change(&at(2.0, 1.5, Some([-30.0, -20.04]), State::Better, None)), "-25.0% [-30.0, -20.0] ✓");
        assert_eq!(change(&at(2.0, 2.2, Some([6.0, 14.0]), State::Worse, None)), "+10.0% [+6.0, +14.0] ✗");
        assert_eq!(change(&at(2.0, 2.0, Some([-1.0, 1.0]), State::Same, None)), "+0.0% [-1.0, +1.0] =");
        assert_eq!(
            change(&at(2.0, 2.2, Some([4.0, 16.0]), State::Inconclusive, Some(State::Worse))),
            "+10.0% [+4.0, +16.0] ?†"
        );
        assert_eq!(change(&at(2.0, 2.2, None, State::Insufficient, None)), "+10.0% too few");
        assert_eq!(change(&at(2.0, 2.2, None, State::NotApplicable, None)), "+10.0%");
        assert_eq!(change(&at(0.0, 2.0, None, State::NotApplicable, None)), "n/a");
        let explained = verdict_explained(&at(2.0, 2.2, Some([4.0, 16.0]), State::Inconclusive, Some(State::Worse)));
        assert_eq!(
            explained,
            "can't tell once corrected for the report's many comparisons (alone it would be worse); \
             interval +4.0% to +16.0% (percentile bootstrap over the requests)"
        );
    }

    #[test]
    fn extreme_numbers_stay_short_and_never_read_nan_inf_or_minus_zero() {
        assert_eq!(value(Some(1.7e308), "s"), "1.70e308 s");
        assert_eq!(value(Some(2e-306), "tokens/s"), "2.00e-306 tokens/s");
        assert_eq!(value(Some(1e-9), "s"), "1.00e-6 ms");
        assert_eq!(exact(Some(1.23456789e12), "tokens/s"), "1.2346e12 tokens/s");
        assert_eq!(value(Some(-0.0), "s"), "0 ms");
        assert_eq!(significant(-0.0001), "-0.000100");
        assert_eq!(significant(-0.000049), "-4.90e-5");
        assert_eq!(value(Some(f64::NAN), "s"), NO_VALUE);
        assert_eq!(value(Some(f64::INFINITY), "s"), NO_VALUE);
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(2.5e-7), "2.5e-7");
        assert_eq!(number(123456.5), "123456.5");
        assert_eq!(number(5e-324), "4.94065645841247e-324");
        assert_eq!(number(-1.7e308), "-1.7e308");
        assert_eq!(significant(9.996e9), "1.00e10");
        assert_eq!(significant(f64::MAX), "1.80e308");
        assert_eq!(significant(1e-300), "1.00e-300");
        assert_eq!(signed_percent(-0.04), "+0.0%");
        assert_eq!(signed_percent(1e302), "+1.00e302%");
        assert_eq!(signed(f64::INFINITY), "n/a");
        for v in [f64::MAX, f64::MIN_POSITIVE, 5e-324, -f64::MAX, 1e15, 1e-5, 999.9999, 0.99999] {
            for text in [value(Some(v), "s"), exact(Some(v), "tokens/s"), number(v), signed_percent(v)] {
                assert!(text.len() < 24 && !text.contains("NaN") && !text.contains("inf"), "{v}: {text}");
            }
        }
    }

    #[test]
    fn shown_text_is_bounded_and_has_no_controls() {
        assert_eq!(shown("abc"), "abc");
        assert_eq!(shown("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        let long = "x".repeat(1000);
        assert_eq!(shown(&long).chars().count(), SHOWN_CHARS + 1);
        assert_eq!(cut("ab", 2), "ab");
        assert_eq!(cut("abc", 2), "ab…");
        assert_eq!(cut("éèà", 1), "é…");
    }

    #[test]
    fn terminal_text_has_nothing_that_acts() {
        assert_eq!(terminal("plain/name"), "plain/name");
        assert_eq!(
            terminal("a\u{1b}]0;title\u{7}b\r\u{9b}c\u{202e}d"),
            "a\\u{1b}]0;title\\u{7}b\\u{d}\\u{9b}c\\u{202e}d"
        );
    }

    #[test]
    fn xml_text_has_no_forbidden_characters() {
        assert_eq!(xml("<a>\tb\n"), "<a>\tb\n");
        assert_eq!(xml("a\u{1}b\u{0}\u{ffff}"), "a\\u{1}b\\u{0}\\u{ffff}");
    }

    #[test]
    fn markdown_escapes_markup_and_html() {
        assert_eq!(markdown("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(markdown("a|b*c_d"), "a&#124;b\\*c\\_d");
        assert_eq!(markdown("llm-d"), "llm-d");
        assert_eq!(markdown("-x [a](b)"), "\\-x \\[a\\](b)");
        // Whatever starts a line in the report (a warning's list item, a table cell) can't open a block.
        assert_eq!(markdown("1. big/x.csv"), "1\\. big/x.csv");
        assert_eq!(markdown("12) x"), "12\\) x");
        assert_eq!(markdown("  # heading"), "&#32;&#32;\\# heading");
        assert_eq!(markdown("a\nb\t"), "a\\u{a}b\\u{9}");
        assert_eq!(markdown("v1.2 - x"), "v1.2 - x");
        assert_eq!(markdown("a  "), "a&#32;&#32;");
        assert_eq!(markdown("  "), "&#32;&#32;");
    }
}
