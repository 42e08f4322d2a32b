//! Regression guard: fixed inputs and seeds give exactly these f64 bit patterns (recorded from the
//! first run; not an oracle). A change here means every golden `summary.json` changes too.

mod common;

include!("common/fingerprint.rs");

const EXPECTED: &[u64] = &[
    0x4010ae147ae147ae,
    0x3ff3d51563e6fb5a,
    0x3ffa22ff9b4ad4c8,
    0x3fb17d2f9ddc34ac,
    0xbfba79758b84503f,
    0x3fcf3691f452798f,
    0x3fb661666cedd466,
    0xbfc03af540973e1f,
    0x3fd0dc126f39b966,
    0x4023f95335a09410,
    0x4015ac2d2713a9da,
    0x401f8c669495bbf5,
    0x3fb15ba8a26f2f10,
    0xbfc5e0b1dab1abbf,
    0x3fd43c120e8f1749,
    0x3fbf71be67e6da3f,
    0xbfc94d86b2907b86,
    0x3fd55497aa7fd54b,
    0x402ab5a0941014a2,
    0x4025b88b23823b45,
    0x7ff8000000000000,
    0x401918eaf05a5174,
    0x402ecfe484aa8a8b,
    0x3fdb92eea5933cd8,
    0x3f554c81ba97500d,
    0x3f8ae5ebd8bbeba0,
    0x3fb727d014348580,
    0x3fefae539a50a514,
    0x3fef9e83f6ba9a01,
    0x3fef8db0e984eca4,
    0x3fef7fd62d7c8219,
    0x412b773600000000,
    0x412b776200000000,
    0x412b79f600000000,
    0x412b79b000000000,
    0x4004f94b5c102bc3,
    0x400bcfc962fc962e,
    0xbfcaf30a051cc3ea,
    0xbfb1225f7b3b4d05,
    0x400f94836d21c89d,
    0x3f7853da5edbcafb,
    0x3fff5c0331eeff82,
    0x4006541bc4e11a96,
    0x3fe2a8452fcd2d50,
    0x3f7b64ad8b6d38ae,
];

#[test]
fn fixed_inputs_give_fixed_bits() {
    let got: Vec<u64> = fingerprint().iter().map(|v| v.to_bits()).collect();
    if EXPECTED.is_empty() || got != EXPECTED {
        let list: Vec<String> = got.iter().map(|b| format!("0x{b:016x}")).collect();
        eprintln!("got: [{}]", list.join(", "));
    }
    assert_eq!(got, EXPECTED);
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let bits = || fingerprint().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(), bits());
    let mut a = bench_stats::rng::Stream::for_cell(0, "x");
    let mut b = bench_stats::rng::Stream::for_cell(1, "x");
    assert_ne!(a.next_u64(), b.next_u64());
}
