//! synth-results: writes a seeded synthetic results folder (the shipped example, or benchmark inputs) as
//! LMBench CSVs, vLLM result JSON or AIPerf artifact folders.

use clap::{Parser, ValueEnum};
use serving_compare::synth::{results_folder_as, SynthFormat, CHAT, EXAMPLE_PROFILES, EXAMPLE_QPS, LONG_INPUT};
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write results for two simulated deployments at three QPS levels.
#[derive(Parser, Debug)]
#[command(about)]
struct Args {
    /// Folder to write into (created; existing files of the same names are replaced).
    out: PathBuf,
    /// Requests in all, split evenly over the 2 deployments x 3 QPS levels.
    #[arg(long, default_value_t = 1_200)]
    requests: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The files' format: LMBench CSVs (the long-input workload), vLLM `--save-detailed` JSON or AIPerf
    /// artifact folders (a chat workload: short prompts and answers).
    #[arg(long, value_enum, default_value_t = Format::Lmbench)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Lmbench,
    Vllm,
    Aiperf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (format, workload) = match args.format {
        Format::Lmbench => (SynthFormat::Lmbench, &LONG_INPUT),
        Format::Vllm => (SynthFormat::Vllm, &CHAT),
        Format::Aiperf => (SynthFormat::Aiperf, &CHAT),
    };
    for (relative, text) in
        results_folder_as(format, args.seed, &EXAMPLE_PROFILES, workload, &EXAMPLE_QPS, args.requests)
    {
        let path = args.out.join(&relative);
        let written = path.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
