//! Number and text formatting shared by the Markdown report, the terminal table and the charts.

use crate::compare::Change;
use bench_stats::verdict::State;

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

/// A setting given as a fraction, in percent without trailing zeros: 0.95 → `95`, 0.025 → `2.5`.
pub fn percent(fraction: f64) -> String {
    let text = format!("{:.4}", fraction * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `1 run`, `3 runs`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A QPS level as users write it (`0.5`, `10`).
pub fn qps(qps: f64) -> String {
    format!("{qps}")
}

/// A change against the baseline with its interval and verdict, e.g. `-12.3% [-17.9, -6.8] ✓`.
pub fn change(change: &Change) -> String {
    let Some(pct) = change.change_pct else { return "n/a".to_string() };
    let interval = change.change_pct_ci.map(|[low, high]| format!(" [{low:+.1}, {high:+.1}]")).unwrap_or_default();
    let mark = verdict_mark(change.verdict, change.without_correction.is_some());
    format!("{pct:+.1}%{interval}{}{mark}", if mark.is_empty() { "" } else { " " })
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
        (Some([low, high]), Some(method), _) => format!("interval {low:+.1}% to {high:+.1}% ({})", method.describe()),
        (_, _, Some(reason)) => reason.clone(),
        _ => String::new(),
    };
    if basis.is_empty() {
        meaning
    } else {
        format!("{meaning}; {basis}")
    }
}

/// How many characters of a text from the user's files are echoed in a message.
pub const SHOWN_CHARS: usize = 80;

/// Text from the user's files made safe to echo in a message: control characters (escape sequences,
/// line ends) shown as `\u{1b}`-style escapes, and at most [`SHOWN_CHARS`] characters, then `…`.
pub fn shown(text: &str) -> String {
    let end = text.char_indices().nth(SHOWN_CHARS).map_or(text.len(), |(i, _)| i);
    let mut out = shown_whole(&text[..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Text made safe to print whole: control characters (escape sequences, line ends) and direction marks
/// shown as `\u{1b}`-style escapes.
pub fn shown_whole(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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
