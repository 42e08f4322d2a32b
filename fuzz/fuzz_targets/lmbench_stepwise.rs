//! The step-wise LMBench reader, fed a file in arbitrary slice budgets, gives what the one-shot read
//! gives: the same runs, the same warnings (line numbers included), and progress that only grows.
//!
//! The input's first byte says how many budgets follow (1 to 8, two bytes each, used in turn); the rest
//! is the CSV. `fuzz/run.sh` makes the seeds so from the LMBench samples in tests/data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serving_compare::formats::lmbench::{name_key, LmbenchReader};
use serving_compare::formats::{read, FileRead, Reading};

const PATH: &str = "d/LMBench_s_1.csv";

/// Steps `step` with `budgets` in turn until it gives the file's outcome, checking progress on the way.
fn stepped(budgets: &[usize], mut step: impl FnMut(usize) -> (Option<FileRead>, f64)) -> FileRead {
    let mut last = 0.0;
    for i in 0.. {
        let (done, progress) = step(budgets[i % budgets.len()]);
        if let Some(read) = done {
            return read;
        }
        assert!((0.0..=1.0).contains(&progress), "progress {progress}");
        assert!(progress >= last, "progress went back from {last} to {progress}");
        last = progress;
        assert!(i < 100_000_000, "no end in sight");
    }
    unreachable!()
}

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else { return };
    let count = 1 + count as usize % 8;
    if rest.len() < 2 * count {
        return;
    }
    let (budgets, bytes) = rest.split_at(2 * count);
    // Budgets of 0 (read as 1) up to 64 KiB.
    let budgets: Vec<usize> = budgets.chunks(2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize).collect();

    let whole = format!("{:?}", read(PATH, bytes.to_vec()));

    let mut reading = Reading::new(PATH, bytes.to_vec());
    let by_reading = stepped(&budgets, |budget| (reading.step(budget), reading.progress()));
    assert_eq!(format!("{by_reading:?}"), whole, "Reading, budgets {budgets:?}");

    // The reader itself, as `Reading` starts it: on UTF-8 text, after a BOM.
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    if std::str::from_utf8(&bytes[start..]).is_ok() {
        let key = name_key("LMBench_s_1.csv").expect("a valid name");
        let mut reader = LmbenchReader::new(PATH, key, bytes.to_vec(), start);
        let by_reader = stepped(&budgets, |budget| (reader.step(budget), reader.progress()));
        assert_eq!(format!("{by_reader:?}"), whole, "LmbenchReader, budgets {budgets:?}");
        assert_eq!(reader.into_text(), bytes, "the text given back");
    }
});
