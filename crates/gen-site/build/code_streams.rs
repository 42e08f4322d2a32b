//! The viewer's module rearranged for LZMA: its code section split into streams of like things (opcodes,
//! local indices, call targets, memory offsets, constants, ...), each stream whole, so that the compressor
//! sees runs of one kind of number instead of their interleaving. Measured on the viewer: 252 KB LZMA'd
//! against 281 KB for the module as it is. `genSiteJoinCode` in site/assets/files.js puts the module back
//! together byte for byte, following the same reading of each instruction as `Splitter::instruction`.
//!
//! Layout: the length of each stream (LEB128), then the streams in the order of the constants below. The
//! sizes of the bodies and of the code section are left out: the joiner finds where each body ends (its
//! `end` at depth 0) and writes them (5 KB less once compressed).

/// The module before its code section.
const FRONT: usize = 0;
/// The module after its code section.
const BACK: usize = 1;
/// The count of bodies, then each body's declarations of locals.
const LOCALS: usize = 2;
/// Opcodes, the sub-opcodes after 0xfc and the alignments of loads and stores (which go with the opcode:
/// 3 KB less than in a stream of their own).
const OP: usize = 3;
const BLOCK_TYPE: usize = 4;
/// The labels of branches, with the counts of `br_table`.
const LABEL: usize = 5;
/// Called and referenced functions.
const CALL: usize = 6;
/// What is rare: `call_indirect`'s type and table, `select`'s types, memory and table operands.
const MISC: usize = 7;
const LOCAL: usize = 8;
/// Globals, and tables of `table.get` and `table.set`.
const GLOBAL: usize = 9;
/// The offsets of loads and stores.
const OFFSET: usize = 10;
const I32: usize = 11;
/// The `i32.const`s that are addresses in the module's data (from 1 MiB, below 16 MiB), 3 bytes each,
/// big-endian, their opcode written as `ADDRESS` in `OP`: 2.1 KB less than among the other constants
/// (0.1 KB of it from big-endian over LEB128 or little-endian).
const ADDRESS: usize = 12;
const I64: usize = 13;
/// `f32.const` and `f64.const`, little-endian as in the module.
const FLOAT: usize = 14;
const STREAMS: usize = 15;

/// What `OP` holds in place of 0x41 for an `i32.const` of `ADDRESS`: the legacy `try`, which the viewer's
/// build does not emit (`Splitter::instruction` would refuse it).
const ADDRESS_OP: u8 = 0x06;
/// The addresses `ADDRESS` holds: where the data begins (wasm-ld's default, after a 1 MiB stack), up to
/// what 3 bytes hold.
const ADDRESSES: std::ops::Range<u64> = 0x10_0000..0x100_0000;

/// Instructions with their operand written as one byte of `OP`, `FUSED_OP` + their place here: the commonest
/// operands of the commonest instructions (`local.get`, `local.set`, `local.tee` of 0 and 1, `i32.const` 0
/// to 3, `br` and `br_if` 0). Measured: 3.5 KB less once compressed (1.1 KB of it from the locals, 1.8 KB
/// from the constants, 0.7 KB from the branches); more operands of each gain less or cost more (locals 0 to
/// 3: 0.3 KB less than 0 and 1; branches to 0 and 1: 0.4 KB more than to 0), and loads and stores at
/// offset 0 gain nothing.
const FUSED: [(u8, u8); 12] = [
    (0x20, 0),
    (0x20, 1),
    (0x21, 0),
    (0x21, 1),
    (0x22, 0),
    (0x22, 1),
    (0x41, 0),
    (0x41, 1),
    (0x41, 2),
    (0x41, 3),
    (0x0c, 0),
    (0x0d, 0),
];
/// Opcodes the viewer's build does not emit (`Splitter::instruction` would refuse them).
const FUSED_OP: u8 = 0xe0;

/// The module's streams, laid out as above. Panics on an instruction `Splitter::instruction` does not know
/// (one the viewer's build did not emit before: add it there and in files.js).
pub fn split(module: &[u8]) -> Vec<u8> {
    let mut code = None;
    let mut at = 8;
    while at < module.len() {
        let (size, start) = number(module, at + 1);
        let end = start + size as usize;
        if module[at] == 10 {
            code = Some((at, start, end));
        }
        at = end;
    }
    let (section, start, end) = code.expect("the viewer's module has code");
    let mut splitter = Splitter { module, at: start, streams: Default::default() };
    splitter.streams[FRONT].extend_from_slice(&module[..section]);
    splitter.streams[BACK].extend_from_slice(&module[end..]);
    for _ in 0..splitter.copy(LOCALS) {
        let (size, body) = number(module, splitter.at);
        splitter.at = body;
        for _ in 0..splitter.copy(LOCALS) {
            splitter.copy(LOCALS);
            splitter.copy(LOCALS);
        }
        let mut depth = 0;
        while depth >= 0 {
            depth += splitter.instruction();
        }
        assert_eq!(splitter.at, body + size as usize, "a function body read otherwise than its size says");
    }
    assert_eq!(splitter.at, end, "the code section read otherwise than its size says");

    let mut out = Vec::with_capacity(module.len());
    for stream in &splitter.streams {
        let mut length = stream.len();
        while length >= 0x80 {
            out.push(length as u8 | 0x80);
            length >>= 7;
        }
        out.push(length as u8);
    }
    for stream in &splitter.streams {
        out.extend_from_slice(stream);
    }
    out
}

/// A LEB128 number at `at`: its value and where it ends.
fn number(bytes: &[u8], mut at: usize) -> (u64, usize) {
    let (mut value, mut shift) = (0, 0);
    loop {
        let byte = bytes[at];
        at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte < 0x80 {
            return (value, at);
        }
    }
}

struct Splitter<'a> {
    module: &'a [u8],
    at: usize,
    streams: [Vec<u8>; STREAMS],
}

impl Splitter<'_> {
    /// Moves the LEB128 number at `at` to `stream`, and gives its value (unsigned; counts are what is
    /// looked at). Single bytes that are not numbers but below 0x80 (value types, a memory's 0) move so too.
    fn copy(&mut self, stream: usize) -> u64 {
        let (value, end) = number(self.module, self.at);
        self.streams[stream].extend_from_slice(&self.module[self.at..end]);
        self.at = end;
        value
    }

    /// Moves an `i32.const`'s operand to `ADDRESS` (and its opcode to `ADDRESS_OP`) if it is an address
    /// written as files.js writes it (the fewest bytes), else to `I32`.
    fn i32_const(&mut self) {
        let (value, end) = number(self.module, self.at);
        // As a signed LEB128 number, a positive one in the fewest bytes: one sign bit more than it needs.
        let fewest = (u64::BITS - value.leading_zeros()) as usize / 7 + 1;
        if ADDRESSES.contains(&value) && end - self.at == fewest {
            *self.streams[OP].last_mut().expect("the opcode was just pushed") = ADDRESS_OP;
            self.streams[ADDRESS].extend_from_slice(&value.to_be_bytes()[5..]);
            self.at = end;
        } else {
            self.copy(I32);
        }
    }

    /// Moves one instruction to the streams; gives the change of block depth.
    fn instruction(&mut self) -> i32 {
        let op = self.module[self.at];
        let operand = self.module.get(self.at + 1);
        if let Some(k) = FUSED.iter().position(|&(fused, value)| fused == op && operand == Some(&value)) {
            self.streams[OP].push(FUSED_OP + k as u8);
            self.at += 2;
            return 0;
        }
        self.streams[OP].push(op);
        self.at += 1;
        match op {
            0x02..=0x04 => {
                self.copy(BLOCK_TYPE);
                return 1;
            }
            0x0b => return -1,
            0x00 | 0x01 | 0x05 | 0x0f | 0x1a | 0x1b | 0x45..=0xc4 | 0xd1 => {}
            0x0c | 0x0d => _ = self.copy(LABEL),
            0x0e => {
                for _ in 0..=self.copy(LABEL) {
                    self.copy(LABEL);
                }
            }
            0x10 | 0xd2 => _ = self.copy(CALL),
            0x11 => {
                self.copy(MISC);
                self.copy(MISC);
            }
            0x1c => {
                for _ in 0..self.copy(MISC) {
                    self.copy(MISC);
                }
            }
            0x20..=0x22 => _ = self.copy(LOCAL),
            0x23..=0x26 => _ = self.copy(GLOBAL),
            0x28..=0x3e => {
                assert!(self.copy(OP) < 0x40, "a load or store naming its memory (multi-memory)");
                self.copy(OFFSET);
            }
            0x3f | 0x40 | 0xd0 => _ = self.copy(MISC),
            0x41 => self.i32_const(),
            0x42 => _ = self.copy(I64),
            0x43 | 0x44 => {
                let end = self.at + if op == 0x43 { 4 } else { 8 };
                self.streams[FLOAT].extend_from_slice(&self.module[self.at..end]);
                self.at = end;
            }
            0xfc => {
                let operands = match self.copy(OP) {
                    0..=7 => 0,
                    8 | 10 | 12 | 14 => 2,
                    9 | 11 | 13 | 15..=17 => 1,
                    sub => {
                        panic!("instruction 0xfc {sub} in the viewer's module: add it to code_streams.rs and files.js")
                    }
                };
                for _ in 0..operands {
                    self.copy(MISC);
                }
            }
            _ => panic!("opcode {op:#x} in the viewer's module: add it to code_streams.rs and files.js"),
        }
        0
    }
}
