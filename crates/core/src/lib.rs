//! Pure logic of gen-site: which files are results, how they parse, what statistics they give, how
//! deployments compare, and how that is reported and drawn. No file, network, clock or thread use here,
//! so the native CLI and the WebAssembly viewer share one implementation.

pub mod analysis;
pub mod bundle;
pub mod charts;
pub mod compare;
pub mod decimal;
pub mod discovery;
pub mod evidence;
pub mod findings;
pub mod formats;
pub mod inference;
pub mod metric;
pub mod model;
pub mod report;
pub mod slo;
pub mod sorting;
pub mod stats;
pub mod summary;
pub mod synth;
pub mod text;
pub mod warning;

/// A small deterministic generator (xorshift) for tests that draw many inputs.
#[cfg(test)]
mod test_rng {
    pub struct Rng(pub u64);

    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }
}
