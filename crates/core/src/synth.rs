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

/// Chat: short prompts and answers, as in the JSON benchmarks (whose per-token gaps grow with the answers).
pub const CHAT: Workload = Workload { scenario: "chat", prompt_tokens: 512.0, output_tokens: 8.0 };

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

/// One simulated request.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulated {
    /// When it was sent (Unix seconds).
    pub launch: f64,
    pub prompt_tokens: f64,
    pub output_tokens: f64,
    pub ttft: f64,
    pub generation_time: f64,
}

impl Simulated {
    pub fn finish(&self) -> f64 {
        self.launch + self.ttft + self.generation_time
    }

    /// The gaps between its streamed tokens after the first (one per further token), drawn from their
    /// own seeded stream so that the other values don't depend on whether gaps are wanted; they add up
    /// to the generation time.
    pub fn gaps(&self, seed: u64) -> Vec<f64> {
        let count = (self.output_tokens as usize).saturating_sub(1);
        if count == 0 {
            return Vec::new();
        }
        let mut rng = Rng::new(seed);
        let weights: Vec<f64> = (0..count).map(|_| 1.0 + 0.2 * rng.normal().abs()).collect();
        let total: f64 = weights.iter().sum();
        weights.iter().map(|w| self.generation_time * w / total).collect()
    }
}

/// `requests` requests of `workload` at `qps` against `profile`, in launch order.
pub fn simulate(seed: u64, profile: &Profile, workload: &Workload, qps: f64, requests: usize) -> Vec<Simulated> {
    let mut rng = Rng::new(seed);
    let load = (qps / profile.capacity_qps).min(0.97);
    // Queueing delay grows like load / (1 - load); decode slows less steeply as batches fill.
    let queueing = load / (1.0 - load);
    let mut launch = 1_746_700_000.0 + (seed % 100_000) as f64;
    (0..requests)
        .map(|_| {
            launch += rng.exponential(1.0 / qps);
            let prompt = (workload.prompt_tokens * (0.25 * rng.normal()).exp()).round().max(1.0);
            let output = (workload.output_tokens * (0.35 * rng.normal()).exp()).round().max(1.0);
            let ttft = prompt * profile.prefill_s_per_token * (1.0 + 0.1 * rng.normal().abs())
                + rng.exponential(0.25 * queueing);
            let tpot = profile.tpot_s * (1.0 + 0.25 * load + 0.05 * rng.normal().abs());
            let generation_time = (output - 1.0) * tpot + 0.001;
            Simulated { launch, prompt_tokens: prompt, output_tokens: output, ttft, generation_time }
        })
        .collect()
}

/// One result file's CSV text: `requests` requests of `workload` at `qps` against `profile`.
pub fn results_csv(seed: u64, profile: &Profile, workload: &Workload, qps: f64, requests: usize) -> String {
    let mut csv = String::with_capacity(requests * 100);
    csv.push_str(if profile.lmbench_float_style {
        "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time\n"
    } else {
        "prompt_tokens,generation_tokens,ttft,generation_time,launch_time,finish_time\n"
    });
    for (i, r) in simulate(seed, profile, workload, qps, requests).iter().enumerate() {
        let Simulated { launch, prompt_tokens: prompt, output_tokens: output, ttft, generation_time } = *r;
        let finish = r.finish();
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

/// Every `FAILURE_EVERY`-th request of the JSON formats fails (an HTTP 500), so that readers meet failures.
const FAILURE_EVERY: usize = 97;

/// One `vllm bench serve --save-detailed` result JSON (as vLLM 0.19 writes it): per-request arrays with
/// inter-token gaps, generated texts and errors, and the aggregates in milliseconds.
pub fn results_vllm_json(seed: u64, profile: &Profile, workload: &Workload, qps: f64, requests: usize) -> String {
    let simulated = simulate(seed, profile, workload, qps, requests);
    let failed = |i: usize| i % FAILURE_EVERY == FAILURE_EVERY - 1;
    let ok: Vec<(usize, &Simulated)> = simulated.iter().enumerate().filter(|(i, _)| !failed(*i)).collect();
    let gaps: Vec<Vec<f64>> = simulated.iter().enumerate().map(|(i, r)| r.gaps(seed ^ (i as u64) << 20)).collect();
    let first = simulated.first().map_or(0.0, |r| r.launch);
    let duration = simulated.iter().map(Simulated::finish).fold(first, f64::max) - first;
    let sum = |f: &dyn Fn(&Simulated) -> f64| ok.iter().map(|(_, r)| f(r)).sum::<f64>();
    let (input, output) = (sum(&|r| r.prompt_tokens), sum(&|r| r.output_tokens));
    let mut json = String::with_capacity(requests * 400);
    let _ = write!(
        json,
        "{{\"date\": \"20250513-043912\", \"endpoint_type\": \"vllm\", \"backend\": \"vllm\", \"label\": null, \
         \"model_id\": \"meta-llama/Llama-3.1-8B-Instruct\", \"tokenizer_id\": \"meta-llama/Llama-3.1-8B-Instruct\", \
         \"num_prompts\": {requests}, \"request_rate\": {qps:?}, \"burstiness\": 1.0, \"max_concurrency\": null, \
         \"duration\": {duration:?}, \"completed\": {}, \"failed\": {}, \"total_input_tokens\": {input}, \
         \"total_output_tokens\": {output}, \"request_throughput\": {:?}, \"request_goodput\": null, \
         \"output_throughput\": {:?}, \"total_token_throughput\": {:?}",
        ok.len(),
        requests - ok.len(),
        ok.len() as f64 / duration,
        output / duration,
        (input + output) / duration,
    );
    let list = |json: &mut String, key: &str, item: &dyn Fn(usize, &Simulated) -> String| {
        let _ = write!(json, ", \"{key}\": [");
        for (i, r) in simulated.iter().enumerate() {
            json.push_str(if i == 0 { "" } else { ", " });
            json.push_str(&item(i, r));
        }
        json.push(']');
    };
    list(&mut json, "input_lens", &|_, r| format!("{}", r.prompt_tokens));
    list(&mut json, "output_lens", &|i, r| if failed(i) { "0".into() } else { format!("{}", r.output_tokens) });
    list(&mut json, "ttfts", &|i, r| if failed(i) { "0.0".into() } else { format!("{:?}", r.ttft) });
    list(&mut json, "itls", &|i, _| {
        let gaps: Vec<String> = if failed(i) { Vec::new() } else { gaps[i].iter().map(|g| format!("{g:?}")).collect() };
        format!("[{}]", gaps.join(", "))
    });
    // perf_counter seconds: an arbitrary origin.
    list(&mut json, "start_times", &|_, r| format!("{:?}", r.launch - first + 1751.03211517));
    list(&mut json, "generated_texts", &|i, r| {
        if failed(i) {
            "\"\"".into()
        } else {
            let words: Vec<String> =
                (0..r.output_tokens as usize).map(|w| format!("w{}", (w * 7 + i) % 5000)).collect();
            format!("\" {}\"", words.join(" "))
        }
    });
    list(&mut json, "errors", &|i, _| if failed(i) { "\"Internal Server Error\"".into() } else { "\"\"".into() });
    let ok_values = |f: &dyn Fn(usize, &Simulated) -> Option<f64>| -> Vec<f64> {
        ok.iter().filter_map(|&(i, r)| f(i, r)).map(|v| v * 1000.0).collect()
    };
    let aggregates = [
        ("ttft", ok_values(&|_, r| Some(r.ttft))),
        ("tpot", ok_values(&|_, r| (r.output_tokens > 1.0).then(|| r.generation_time / (r.output_tokens - 1.0)))),
        ("itl", ok.iter().flat_map(|&(i, _)| gaps[i].iter().map(|g| g * 1000.0)).collect()),
        ("e2el", ok_values(&|_, r| Some(r.ttft + r.generation_time))),
    ];
    for (name, mut values) in aggregates {
        let s = crate::stats::Summary::of(&mut values);
        let value = |v: Option<f64>| v.map_or("0.0".to_string(), |v| format!("{v:?}"));
        let _ = write!(
            json,
            ", \"mean_{name}_ms\": {}, \"median_{name}_ms\": {}, \"std_{name}_ms\": {}, \"p99_{name}_ms\": {}",
            value(s.mean),
            value(s.p50),
            value(s.std),
            value(s.p99)
        );
    }
    json.push_str("}\n");
    json
}

/// One AIPerf (0.13) artifact folder's two files: `profile_export.jsonl`, a record per request with every
/// metric as `{value, unit}` and epoch nanoseconds, and `profile_export_aiperf.json` with the run's
/// configured load (a constant request rate).
pub fn results_aiperf(
    seed: u64,
    profile: &Profile,
    workload: &Workload,
    qps: f64,
    requests: usize,
) -> (String, String) {
    let simulated = simulate(seed, profile, workload, qps, requests);
    let ns = |seconds: f64| (seconds * 1e9).round() as u64;
    let mut jsonl = String::with_capacity(requests * 1500);
    for (i, r) in simulated.iter().enumerate() {
        let (start, end) = (ns(r.launch), ns(r.finish()));
        let id = Rng::new(seed ^ i as u64).next_u64();
        let _ = write!(
            jsonl,
            "{{\"metadata\":{{\"session_num\":{i},\"x_request_id\":\"{id:016x}-{i:08x}\",\"conversation_id\":\"session_{i:06}\",\
             \"turn_index\":0,\"credit_issued_ns\":{},\"request_start_ns\":{start},",
            start - 1_000_000
        );
        if i % FAILURE_EVERY == FAILURE_EVERY - 1 {
            let _ = writeln!(
                jsonl,
                "\"request_end_ns\":{start},\"worker_id\":\"worker_39684c14\",\"benchmark_phase\":\"profiling\",\
                 \"phase_name\":\"profiling\",\"was_cancelled\":false}},\"metrics\":{{\"error_isl\":{{\"value\":{},\
                 \"unit\":\"tokens\"}}}},\"error\":{{\"code\":500,\"type\":\"Internal Server Error\",\
                 \"message\":\"{{\\\"error\\\": \\\"injected failure\\\"}}\"}}}}",
                r.prompt_tokens
            );
            continue;
        }
        let gaps = r.gaps(seed ^ (i as u64) << 20);
        let ms = |seconds: f64| format!("{:?}", seconds * 1000.0);
        let chunks: Vec<String> = gaps.iter().map(|g| ms(*g)).collect();
        let latency = r.ttft + r.generation_time;
        let itl = if r.output_tokens > 1.0 { r.generation_time / (r.output_tokens - 1.0) } else { 0.0 };
        let _ = writeln!(
            jsonl,
            "\"request_ack_ns\":{},\"request_end_ns\":{end},\"worker_id\":\"worker_39684c14\",\
             \"record_processor_id\":\"record_processor_a79b7479\",\"benchmark_phase\":\"profiling\",\"phase_index\":0,\
             \"phase_name\":\"profiling\",\"phase_kind\":\"profiling\",\"was_cancelled\":false}},\"metrics\":{{\
             \"http_req_receiving\":{{\"value\":{},\"unit\":\"ms\"}},\"time_to_first_token\":{{\"value\":{},\"unit\":\"ms\"}},\
             \"input_sequence_length\":{{\"value\":{},\"unit\":\"tokens\"}},\"output_sequence_length\":{{\"value\":{},\"unit\":\"tokens\"}},\
             \"request_latency\":{{\"value\":{},\"unit\":\"ms\"}},\"http_req_waiting\":{{\"value\":{},\"unit\":\"ms\"}},\
             \"inter_token_latency\":{{\"value\":{},\"unit\":\"ms\"}},\"output_token_count\":{{\"value\":{},\"unit\":\"tokens\"}},\
             \"usage_prompt_tokens\":{{\"value\":{},\"unit\":\"tokens\"}},\"usage_completion_tokens\":{{\"value\":{},\"unit\":\"tokens\"}},\
             \"inter_chunk_latency\":{{\"value\":[{}],\"unit\":\"ms\"}}}}}}",
            start + 5_000_000,
            ms(r.generation_time),
            ms(r.ttft),
            r.prompt_tokens,
            r.output_tokens,
            ms(latency),
            ms(r.ttft * 0.9),
            ms(itl),
            r.output_tokens,
            r.prompt_tokens,
            r.output_tokens,
            chunks.join(",")
        );
    }
    let summary = format!(
        "{{\"schema_version\": \"1.4\", \"aiperf_version\": \"0.13.0\", \"benchmark_id\": \"{:016x}\",\n\
         \"request_count\": {{\"unit\": \"requests\", \"avg\": {}}},\n\
         \"input_config\": {{\"models\": {{\"items\": [{{\"name\": \"meta-llama/Llama-3.1-8B-Instruct\"}}]}},\
         \"endpoint\": {{\"urls\": [\"http://{}:8000\"], \"type\": \"chat\", \"streaming\": true}},\
         \"datasets\": [{{\"name\": \"main\", \"type\": \"synthetic\"}}],\
         \"phases\": [{{\"name\": \"profiling\", \"kind\": \"profiling\", \"type\": \"constant\", \"rate\": {qps:?}, \"requests\": {requests}}}]}},\n\
         \"was_cancelled\": false, \"error_summary\": []}}\n",
        Rng::new(seed).next_u64(),
        requests - requests / FAILURE_EVERY,
        profile.folder.rsplit('/').next().unwrap_or(profile.folder),
    );
    (jsonl, summary)
}

/// The format of a synthetic results folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthFormat {
    Lmbench,
    Vllm,
    Aiperf,
}

/// A results folder: every profile at every QPS level, as (relative path, text), with `requests`
/// requests in all, split as evenly as they go.
pub fn results_folder(
    seed: u64,
    profiles: &[Profile],
    workload: &Workload,
    qps_levels: &[f64],
    requests: usize,
) -> Vec<(String, String)> {
    results_folder_as(SynthFormat::Lmbench, seed, profiles, workload, qps_levels, requests)
}

/// [`results_folder`] in one of the formats.
pub fn results_folder_as(
    format: SynthFormat,
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
            let folder = profile.folder;
            match format {
                SynthFormat::Lmbench => files.push((
                    format!("{folder}/LMBench_{}_output_{}.csv", workload.scenario, qps),
                    results_csv(file_seed, profile, workload, qps, count),
                )),
                SynthFormat::Vllm => files.push((
                    format!("{folder}/vllm-{qps:.1}qps-Llama-3.1-8B-Instruct-20250513-{run:06}.json"),
                    results_vllm_json(file_seed, profile, workload, qps, count),
                )),
                SynthFormat::Aiperf => {
                    let (jsonl, summary) = results_aiperf(file_seed, profile, workload, qps, count);
                    let artifacts =
                        format!("{folder}/artifacts/Llama-3.1-8B-Instruct-openai-chat-request_rate{qps:.1}");
                    files.push((format!("{artifacts}/profile_export.jsonl"), jsonl));
                    files.push((format!("{artifacts}/profile_export_aiperf.json"), summary));
                }
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{read, Found};
    use crate::model::{Body, Request};

    /// The requests an LMBench file of these bytes gives.
    fn requests(path: &str, csv: &str) -> Vec<Request> {
        let read = read(path, csv.as_bytes().to_vec());
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        match read.found {
            Found::Runs(runs) => match &runs[0].body {
                Body::Requests(log) => log.requests.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn same_seed_same_bytes_and_files_parse_cleanly() {
        let a = results_folder(7, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, 300);
        assert_eq!(a, results_folder(7, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, 300));
        assert_ne!(a, results_folder(8, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, 300));
        assert_eq!(a.len(), 6);
        for (path, csv) in &a {
            assert_eq!(requests(path, csv).len(), 50);
        }
    }

    #[test]
    fn json_formats_read_back_with_their_failures() {
        for format in [SynthFormat::Vllm, SynthFormat::Aiperf] {
            let files = results_folder_as(format, 3, &EXAMPLE_PROFILES, &CHAT, &EXAMPLE_QPS, 600);
            let mut warnings = Vec::new();
            let reads = files.iter().map(|(p, t)| {
                let read = read(p, t.clone().into_bytes());
                warnings.extend(read.warnings);
                (p.clone(), read.found)
            });
            let reads: Vec<_> = reads.collect();
            let runs = crate::formats::assemble(reads, &mut warnings);
            assert!(warnings.is_empty(), "{format:?}: {warnings:?}");
            assert_eq!(runs.len(), 6, "{format:?}");
            let mut total = (0, 0);
            for sourced in &runs {
                let Body::Requests(log) = &sourced.run.body else { panic!("{format:?}: aggregates") };
                total.0 += log.successful();
                total.1 += log.failed();
                assert!(log.itl.len() > log.successful() * 5, "{format:?}: gaps");
                assert_eq!(sourced.run.load.kind, crate::model::LoadKind::Qps);
            }
            assert_eq!(total, (600 - 6, 6), "{format:?}");
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
            let requests = requests("LMBench_x_1.csv", &csv);
            requests.iter().map(|r| r.ttft).sum::<f64>() / requests.len() as f64
        };
        assert!(mean_ttft(0.7) > mean_ttft(0.1) * 1.5);
    }
}
