#!/usr/bin/env bash
# Fuzzes serving-compare: fuzz/run.sh [TARGET|all] [SECONDS] [libFuzzer options...]
#
# Installs what it needs where it is missing (the nightly toolchain, cargo-fuzz), seeds each target's
# corpus (fuzz/corpus/TARGET, git-ignored) from the real samples in tests/data, then runs TARGET (all
# five by default) for SECONDS each (60 by default) in one process. A crash stops the run, leaves its
# input in fuzz/artifacts/TARGET/, and makes this script fail; reproduce it with
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…
# SANITIZER=address (or memory, thread…) builds with a sanitizer; the default is none: the code under test
# has no unsafe code, and it runs about twice as fast without.
set -euo pipefail

TARGETS=(read lmbench_stepwise discovery escaping decimal)
target=${1:-all}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
sanitizer=${SANITIZER:-none}

here=$(cd "$(dirname "$0")" && pwd)
data="$here/../tests/data"
cd "$here"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

# The byte that makes read.rs name a file NAMES[i] in FOLDERS[folder], and (in the first file) name
# deployments by folder (0), model (1) or target (2), as its `split` and grouping read it.
selector() { # NAME_INDEX [FOLDER_INDEX [DEPLOYMENT_BY]]
    printf "\\$(printf %03o $(($1 + 18 * ${2:-0} + 90 * ${3:-0})))"
}

# read.rs's name for a sample file: which reader and detection path it takes.
name_index() {
    case "$1" in
        LMBench_*.csv) echo 0 ;;
        *.csv) echo 3 ;;
        profile_export.jsonl) echo 8 ;;
        *.jsonl) echo 5 ;;
        profile_export_aiperf.json) echo 9 ;;
        stage_0_lifecycle_metrics.json) echo 10 ;;
        stage_1_lifecycle_metrics.json) echo 11 ;;
        per_request_lifecycle_metrics.json) echo 12 ;;
        summary_lifecycle_metrics.json) echo 13 ;;
        *.json) echo 4 ;;
        benchmarks.yaml) echo 6 ;;
        config.yaml) echo 14 ;;
        *.yaml | *.yml) echo 7 ;;
        *) echo 17 ;;
    esac
}

SEP=$'\x00FILE\x00'

seed_read() {
    local out=corpus/read
    mkdir -p "$out"
    local file
    # One file at a time: every format sample, a few LMBench CSVs, vLLM results of a real experiment.
    for file in $(find "$data/formats" -type f ! -name '*.md' | sort) \
        "$data"/exp-3-h100/llm-d-70b-2replicas-H100/LMBench_short_input_qps{0.5,2}.csv \
        "$data"/exp-3-h100/llm-d-70b-2replicas-H100/LMBench_sharegpt_output_{4,40}.csv \
        "$data"/exp-7-h100/vllm-2replicas/benchmark_2025-05-13_04-55-27.json; do
        { selector "$(name_index "$(basename "$file")")"; cat "$file"; } >"$out/seed-$(basename "$(dirname "$file")")-$(basename "$file")"
    done
    # Several files: two deployments of one scenario and load (compared), a folder of AIPerf's pair and
    # one of inference-perf's report files (assembled into runs).
    {
        selector 0 0; cat "$data/exp-3-h100/llm-d-70b-2replicas-H100/LMBench_short_input_qps2.csv"; printf %s "$SEP"
        selector 0 1; cat "$data/exp-3-h100/vllm-standalone-llama-3-70b-2replicas-H100/LMBench_short_input_qps2.csv"
    } >"$out/seed-lmbench-two-deployments"
    {
        selector 4 0; cat "$data/exp-7-h100/llm-d-1p1d/benchmark_2025-05-13_04-37-51.json"; printf %s "$SEP"
        selector 4 1; cat "$data/exp-7-h100/vllm-2replicas/benchmark_2025-05-13_04-55-27.json"
    } >"$out/seed-vllm-two-deployments"
    {
        selector 4 0 1; cat "$data/formats/vllm-bench/0.19.1/vllm-20.0qps-mock-model-20261128-123210.json"; printf %s "$SEP"
        selector 5 1; cat "$data/formats/sglang-bench/0.4.6/sglang_bench_serving_mock.jsonl"
    } >"$out/seed-by-model"
    {
        selector 4 0 2; cat "$data/formats/guidellm/0.2-stripped/benchmarks.json"; printf %s "$SEP"
        selector 7 1; cat "$data/formats/llmd-report/br_v0_2_example.yaml"
    } >"$out/seed-by-target"
    local aiperf="$data/formats/aiperf/0.13.0"
    {
        selector 8 3; cat "$aiperf/profile_export.jsonl"; printf %s "$SEP"
        selector 9 3; cat "$aiperf/profile_export_aiperf.json"; printf %s "$SEP"
        selector 4 3; cat "$aiperf/inputs.json"
    } >"$out/seed-aiperf-folder"
    local ip="$data/formats/inference-perf/0.7.0"
    {
        selector 14 2; cat "$ip/config.yaml"; printf %s "$SEP"
        selector 10 2; cat "$ip/stage_0_lifecycle_metrics.json"; printf %s "$SEP"
        selector 11 2; cat "$ip/stage_1_lifecycle_metrics.json"; printf %s "$SEP"
        selector 13 2; cat "$ip/summary_lifecycle_metrics.json"; printf %s "$SEP"
        selector 12 2; cat "$ip/per_request_lifecycle_metrics.json"
    } >"$out/seed-inference-perf-folder"
}

seed_lmbench_stepwise() {
    local out=corpus/lmbench_stepwise
    mkdir -p "$out"
    local file
    for file in "$data"/exp-3-h100/llm-d-70b-2replicas-H100/LMBench_short_input_qps{0.5,2}.csv \
        "$data"/exp-3-h100/llm-d-70b-2replicas-H100/LMBench_sharegpt_output_{4,40}.csv; do
        # Three budgets: 1, 7 and 4096 bytes.
        { printf '\x02\x01\x00\x07\x00\x00\x10'; cat "$file"; } >"$out/seed-$(basename "$file")"
    done
}

seed_discovery() {
    local out=corpus/discovery
    mkdir -p "$out"
    (cd "$data" && find . -type f | sed 's|^\./||' | sort) >"$out/seed-tests-data"
    printf '%s\n' a/x.csv r/.gen-site-output r/data/x.csv rr/x.csv .git/x.csv a/.b/x.csv lost+found/x.csv \
        llm-d/reports-20250101-120000/stage_0_lifecycle_metrics.json \
        vllm/20250513_043751/SERVE--max_num_seqs=32-BENCH--max_concurrency=4/run=0.json \
        dep/artifacts/mock-model-openai-completions-concurrency2/profile_export.jsonl \
        dep/base/profile_runs/run_0002/profile_export.jsonl dep/request_rate_5.0/profile_export.jsonl \
        >"$out/seed-rules"
}

seed_escaping() {
    local out=corpus/escaping
    mkdir -p "$out"
    (cd "$data" && find . -type d | sed 's|^.*/||') | sort -u | while read -r name; do
        printf '%s' "$name" >"$out/seed-$name"
    done
    printf '1. a | b `c` *d* _e_ [f](g) <h> &amp; \\ ~~i~~ \x1b[31m \xe2\x80\xae ' >"$out/seed-markup"
    printf '# x\n- y\t' >"$out/seed-blocks"
}

seed_decimal() {
    local out=corpus/decimal
    mkdir -p "$out"
    # The numbers of real LMBench CSVs (Python's shortest forms), and a few of the hardest for any parser.
    cut -d, -f3,4,7,8 "$data/exp-3-h100/llm-d-70b-2replicas-H100/LMBench_short_input_qps2.csv" | tr , '\n' |
        sed -n '2,41p' | while read -r n; do printf '%s' "$n" >"$out/seed-$n"; done
    local n
    for n in 2.4703282292062327e-324 2.2250738585072011e-308 1.7976931348623158e308 9007199254740993 \
        0.30000000000000004 1e23 .5e-3 +inf NaN; do
        printf '%s' "$n" >"$out/seed-$n"
    done
}

run() {
    local t=$1
    shift
    "seed_$t"
    local extra=()
    [ "$t" = read ] && extra+=(-dict=read.dict)
    echo "== $t: $seconds s"
    cargo +nightly fuzz run --sanitizer "$sanitizer" "$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 "${extra[@]}" "$@"
}

if [ "$target" = all ]; then
    for t in "${TARGETS[@]}"; do run "$t" "$@"; done
else
    run "$target" "$@"
fi
