//! synth-results: writes a seeded synthetic results folder (the shipped example, or benchmark inputs).

use clap::Parser;
use serving_compare::synth::{results_folder, EXAMPLE_PROFILES, EXAMPLE_QPS, LONG_INPUT};
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write LMBench-style results for two simulated deployments at three QPS levels.
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
}

fn main() -> ExitCode {
    let args = Args::parse();
    for (relative, csv) in results_folder(args.seed, &EXAMPLE_PROFILES, &LONG_INPUT, &EXAMPLE_QPS, args.requests) {
        let path = args.out.join(&relative);
        let written = path.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::write(&path, csv));
        if let Err(e) = written {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
