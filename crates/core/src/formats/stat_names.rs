//! The names tools give statistics and units, mapped to ours: which of a file's aggregate statistics
//! fill which field of a [`Summary`], and how its units convert to seconds. Anything else is ignored,
//! never interpolated.

use super::doc::Object;
use crate::stats::{Field, Summary};

/// Our field for a tool's statistic name (`mean`, `avg`, `std_dev`, `median`, `p05`, `p99`, …); `None` for
/// statistics we don't report (p0.1, p1, p10, p99.9, mode, …). `median` maps to p50 only where the file has
/// no explicit p50 ([`fill`] sees to it).
pub fn field(name: &str) -> Option<Field> {
    Some(match name {
        "mean" | "avg" | "average" => Field::Mean,
        "std" | "std_dev" | "stddev" | "stdev" => Field::Std,
        "min" => Field::Min,
        "max" => Field::Max,
        "p5" | "p05" | "p5.0" => Field::P5,
        "p25" | "p25.0" => Field::P25,
        "p50" | "p50.0" | "median" => Field::P50,
        "p75" | "p75.0" => Field::P75,
        "p90" | "p90.0" => Field::P90,
        "p95" | "p95.0" => Field::P95,
        "p99" | "p99.0" => Field::P99,
        _ => return None,
    })
}

/// Seconds per unit of a time (or time per token), `1` for counts and rates; `None` for a unit that is
/// not understood.
pub fn seconds_per(unit: &str) -> Option<f64> {
    // The units of every record of large files, first.
    match unit {
        "ms" => return Some(1e-3),
        "tokens" => return Some(1.0),
        _ => {}
    }
    // Most units are already in lower case: no copy then.
    let lower;
    let mut unit = unit.trim();
    if unit.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = unit.to_ascii_lowercase();
        unit = &lower;
    }
    let time = unit.split('/').next().unwrap_or("");
    Some(match time {
        "s" | "sec" | "second" | "seconds" => 1.0,
        "ms" | "millisecond" | "milliseconds" => 1e-3,
        "us" | "µs" | "microsecond" | "microseconds" => 1e-6,
        "ns" | "nanosecond" | "nanoseconds" => 1e-9,
        "count" | "tokens" | "token" | "requests" | "queries" | "" => 1.0,
        _ => return None,
    })
}

/// Fills `summary` from a statistics object (`{mean, std_dev, median, p90, …}` or with the percentiles in
/// a nested `percentiles` object), values multiplied by `scale`; `n` from `count` when there is one.
/// Returns whether any statistic was found.
pub fn fill(summary: &mut Summary, stats: &Object, scale: f64) -> bool {
    let mut found = false;
    let mut median = None;
    let nested = stats.get("percentiles").and_then(|p| p.object());
    let members = stats.members().chain(nested.iter().flat_map(|p| p.members().collect::<Vec<_>>()));
    for (name, node) in members {
        let Some(value) = node.num().filter(|v| v.is_finite()) else { continue };
        if name == "count" {
            summary.n = super::doc::whole("count", value).ok();
            continue;
        }
        match field(name) {
            Some(Field::P50) if name == "median" => median = Some(value * scale),
            Some(f) => {
                *summary.field_mut(f) = Some(value * scale);
                found = true;
            }
            None => {}
        }
    }
    if summary.p50.is_none() {
        if let Some(median) = median {
            summary.p50 = Some(median);
            found = true;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_units() {
        assert_eq!(field("p05"), Some(Field::P5));
        assert_eq!(field("p001"), None);
        assert_eq!(field("p99.9"), None);
        assert_eq!(field("p0p1"), None);
        assert_eq!(field("p10"), None);
        assert_eq!(seconds_per("ms"), Some(1e-3));
        assert_eq!(seconds_per("s/token"), Some(1.0));
        assert_eq!(seconds_per("ms/token"), Some(1e-3));
        assert_eq!(seconds_per("tokens/s"), Some(1.0));
        assert_eq!(seconds_per("fortnights"), None);
    }
}
