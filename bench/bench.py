#!/usr/bin/env python3
"""Benchmark of the whole gen-site job on seeded synthetic results (default: 1M requests, 2 deployments
x 3 QPS levels, made by the in-repo generator) in the format of LMBench (CSV), vLLM (`vllm bench serve`
JSON with per-request arrays) or AIPerf (per-request JSON lines), against baselines measured in the same
run: `cat` of the files (the I/O floor) and Python merely reading the same files (pandas `read_csv` for
CSVs, when pandas is installed; the `json` module otherwise): what the old Python script spent before
computing anything.

    python3 bench/bench.py                    # 1M requests as LMBench CSVs, 7 runs each
    python3 bench/bench.py --format vllm      # the same requests as vLLM JSON
    python3 bench/bench.py --requests 100000 --runs 5
    python3 bench/bench.py --baseline /tmp/gen-site-before   # another gen-site binary, interleaved

Prints the median wall time and median peak memory (max RSS) of each command over the runs.
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
PANDAS_READ = """
import pathlib, sys
import pandas as pd
frames = [pd.read_csv(p) for p in sorted(pathlib.Path(sys.argv[1]).rglob("LMBench_*.csv"))]
print(sum(len(f) for f in frames))
"""
JSON_READ = """
import json, pathlib, sys
count = 0
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.json*")):
    with open(p) as f:
        if p.suffix == ".jsonl":
            count += sum(1 for line in f if json.loads(line))
        else:
            count += len(json.load(f))
print(count)
"""


def measure(command):
    """Wall time (s) and peak RSS (MiB) of one run of `command`, which must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{command[0]} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["lmbench", "vllm", "aiperf"], default="lmbench")
    parser.add_argument("--baseline", metavar="GEN_SITE", help="another gen-site binary (say, one built before a "
                        "change) measured in the same runs: on a shared machine only that comparison is fair")
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "gen-site", "--bin", "synth-results"], cwd=REPO, check=True)
    bench = REPO / "target" / "bench"
    data = bench / f"results-{args.format}-{args.requests}-seed{args.seed}"
    if not data.exists():
        subprocess.run([REPO / "target/release/synth-results", data, "--requests", str(args.requests),
                        "--seed", str(args.seed), "--format", args.format], check=True)
    files = sorted(str(p) for p in data.rglob("*") if p.is_file())
    size = sum(os.path.getsize(f) for f in files)
    out, baseline_out = bench / "out", bench / "out-baseline"
    for folder in (out, baseline_out):
        shutil.rmtree(folder, ignore_errors=True)

    commands = {
        "gen-site (whole job)": [str(REPO / "target/release/gen-site"), str(data), "-o", str(out)],
        "cat (I/O floor)": ["cat", *files],
    }
    if args.baseline:
        commands["gen-site --baseline"] = [args.baseline, str(data), "-o", str(baseline_out)]
    # Probed in a child: importing pandas here would inflate every child's peak RSS (fork copies the parent).
    if args.format != "lmbench":
        commands["python json read only"] = [sys.executable, "-c", JSON_READ, str(data)]
    elif subprocess.run([sys.executable, "-c", "import pandas"], capture_output=True).returncode == 0:
        commands["pandas read_csv only"] = [sys.executable, "-c", PANDAS_READ, str(data)]
    else:
        print("pandas is not installed: no pandas baseline (pip install pandas)")

    print(f"{args.requests} requests in {len(files)} files, {size / 1e6:.1f} MB; {args.runs} runs each, interleaved")
    samples = {name: [] for name in commands}
    measure(commands["gen-site (whole job)"])  # warm the page cache
    for _ in range(args.runs):
        for name, command in commands.items():
            samples[name].append(measure(command))
    print(f"{'command':<24} {'median s':>9} {'min s':>7} {'max s':>7} {'median peak MiB':>16}")
    for name, runs in samples.items():
        seconds = [s for s, _ in runs]
        memory = statistics.median(m for _, m in runs)
        print(f"{name:<24} {statistics.median(seconds):>9.3f} {min(seconds):>7.3f} {max(seconds):>7.3f} {memory:>16.1f}")


if __name__ == "__main__":
    main()
