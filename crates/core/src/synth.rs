//! Seeded synthetic LMBench results: the shipped example and the benchmark inputs. A deployment is a
//! simple queueing model (prefill cost per prompt token, decode time per token, both slowing as load
//! nears capacity), so that charts and comparisons have realistic shapes. Same seed, same bytes.

use std::fmt::Write;

/// How a simulated deployment performs.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Folder of the deployment relative to the results folder.
    pub folder: &'static str,
    /// Prefill seconds per prompt token when idle.
    pub prefill_s_per_token: f64,
    /// Seconds per output token when idle.
    pub tpot_s: f64,
    /// QPS at which queueing makes latency blow up.
    pub capacity_qps: f64,
    /// Write token counts as floats (`76.0`) and add `user_id,question_id` columns, as some LMBench versions do.
    pub lmbench_float_style: bool,
}

/// The workload: typical prompt and output lengths.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub scenario: &'static str,
    pub prompt_tokens: f64,
    pub output_tokens: f64,
}

/// The two deployments of the example, in the users' layout.
pub const EXAMPLE_PROFILES: [Profile; 2] = [
    Profile {
        folder: "standalone/standalone-vllm-llama-3b",
        prefill_s_per_token: 0.000_09,
        tpot_s: 0.021,
        capacity_qps: 0.8,
        lmbench_float_style: false,
    },
    Profile {
        folder: "llm-d/llm-d-llama-3b",
        prefill_s_per_token: 0.000_07,
        tpot_s: 0.018,
        capacity_qps: 1.1,
        lmbench_float_style: true,
    },
];

pub const LONG_INPUT: Workload = Workload { scenario: "long_input", prompt_tokens: 8000.0, output_tokens: 200.0 };

pub const EXAMPLE_QPS: [f64; 3] = [0.1, 0.25, 0.5];

/// SplitMix64: tiny, fast, and fixed forever, so the example data never changes under a dependency update.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    pub fn normal(&mut self) -> f64 {
        (-2.0 * self.unit().ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }

    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.unit().ln()
    }
}

/// One result file's CSV text: `requests` requests of `workload` at `qps` against `profile`.
pub fn results_csv(seed: u64, profile: &Profile, workload: &Workload, qps: f64, requests: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut csv = String::with_capacity(requests * 100);
    csv.push_str(if profile.lmbench_float_style {
        "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time\n"
    } else {
        "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n"
    });
    let load = (qps / profile.capacity_qps).min(0.97);
    // Queueing delay grows like load / (1 - load); decode slows less steeply as batches fill.
    let queueing = load / (1.0 - load);
    let mut launch = 1_746_700_000.0 + (seed % 100_000) as f64;
    for i in 0..requests {
        launch += rng.exponential(1.0 / qps);
        let prompt = (workload.prompt_tokens * (0.25 * rng.normal()).exp()).round().max(1.0);
        let output = (workload.output_tokens * (0.35 * rng.normal()).exp()).round().max(1.0);
        let ttft =
            prompt * profile.prefill_s_per_token * (1.0 + 0.1 * rng.normal().abs()) + rng.exponential(0.25 * queueing);
        let tpot = profile.tpot_s * (1.0 + 0.25 * load + 0.05 * rng.normal().abs());
        let generation_time = (output - 1.0) * tpot + 0.001;
        let finish = launch + ttft + generation_time;
        if profile.lmbench_float_style {
            let _ = writeln!(
                csv,
                "{prompt:.1},{output:.1},{ttft},{generation_time},{},{},{launch},{finish}",
                1000 + i,
                i % 7 + 1
            );
        } else {
            let _ = writeln!(csv, "{prompt},{output},{ttft},{generation_time},{launch},{finish}");
        }
    }
    csv
}

/// A results folder: every profile at every QPS level, as (relative path, CSV text), with `requests`
/// requests in all, split as evenly as they go.
pub fn results_folder(
    seed: u64,
    profiles: &[Profile],
    workload: &Workload,
    qps_levels: &[f64],
    requests: usize,
) -> Vec<(String, String)> {
    let runs = (profiles.len() * qps_levels.len()).max(1);
    let mut files = Vec::new();
    for (p, profile) in profiles.iter().enumerate() {
        for (q, &qps) in qps_levels.iter().enumerate() {
            let run = p * qps_levels.len() + q;
            let count = requests / runs + usize::from(run < requests % runs);
            let file_seed = seed.wrapping_mul(1_000_003).wrapping_add((p * 1000 + q) as u64);
            let path = format!("{}/LMBench_{}_output_{}.csv", profile.folder, workload.scenario, qps);
            files.push((path, results_csv(file_seed, profile, workload, qps, count)));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{classify, FileKind};
    use crate::parse::parse_csv;

    #[test]
    fn same_seed_same_bytes_and_files_parse_cleanly() {
        let a = results_folder(7, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, 300);
        assert_eq!(a, results_folder(7, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, 300));
        assert_ne!(a, results_folder(8, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, 300));
        assert_eq!(a.len(), 6);
        for (path, csv) in &a {
            assert!(matches!(classify(path), FileKind::Result(_)), "{path}");
            let parsed = parse_csv(path, csv.as_bytes()).unwrap();
            assert_eq!((parsed.requests.len(), parsed.skipped_rows), (50, 0));
        }
    }

    #[test]
    fn the_total_is_exact() {
        let files = results_folder(1, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, 1003);
        let rows: usize = files.iter().map(|(_, csv)| csv.lines().count() - 1).sum();
        assert_eq!(rows, 1003);
    }

    #[test]
    fn latency_grows_with_load() {
        let mean_ttft = |qps| {
            let csv = results_csv(1, &EXAMPLE_PROFILES[0], &LONG_INPUT, qps, 2000);
            let p = parse_csv("x", csv.as_bytes()).unwrap();
            p.requests.iter().map(|r| r.ttft).sum::<f64>() / p.requests.len() as f64
        };
        assert!(mean_ttft(0.7) > mean_ttft(0.1) * 1.5);
    }
}
