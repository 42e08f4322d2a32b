//! A deflate compressor (RFC 1951) for the text of result files, which is mostly numbers: matches are
//! looked for only where the text is not part of a number's digits and decimal point (keys, separators
//! and the like, which repeat), and digits are coded as literals by each block's own Huffman codes. On such text it is about twice as
//! fast as libdeflate's fastest level (which looks for matches inside numbers too, mostly in vain), for
//! a result a little smaller (AIPerf records 21.4 MB against 24.3 MB of 101 MB; vLLM results 15.7 MB
//! against 16.0 MB of 44.7 MB; an LMBench CSV 6.6 MB against 7.0 MB of 16 MB).

/// Deflate's window.
const WINDOW: usize = 32 << 10;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
/// Input per block: each block has its own codes.
const BLOCK: usize = 64 << 10;
const HASH_BITS: u32 = 15;

const LENGTH_BASE: [u16; 29] =
    [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA: [u8; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA: [u8; 30] =
    [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/// The order in which the code lengths of the code lengths are written.
const CODE_LENGTH_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/// A match in a block's tokens: `MATCH | (length - 3) << 15 | (distance - 1)`; other tokens are the
/// lengths of runs of literals, the bytes of the input in turn.
const MATCH: u32 = 1 << 31;

/// Compresses `input` as one raw deflate stream.
pub fn compress(input: &[u8]) -> Vec<u8> {
    let mut out = Bits { bytes: Vec::new(), pending: Pending { at: 0, word: 0, count: 0 } };
    let mut table = vec![0u32; 1 << HASH_BITS];
    let mut tokens = Vec::with_capacity(BLOCK);
    let symbols = Symbols::new();
    let mut at = 0;
    loop {
        let end = (at + BLOCK).min(input.len());
        tokens.clear();
        let start = at;
        at = tokenize(input, at, end, &mut table, &mut tokens);
        let last = at >= input.len();
        write_block(&mut out, &input[start..at], &tokens, last, &symbols);
        if last {
            break;
        }
    }
    out.finish()
}

#[inline]
fn word_at(input: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(input[at..at + 4].try_into().unwrap_or_default())
}

/// Where the digits from `at` on end, found eight bytes at a time.
#[inline]
fn digits_end(input: &[u8], mut at: usize) -> usize {
    while let Some(bytes) = input.get(at..at + 8) {
        let word = u64::from_le_bytes(bytes.try_into().unwrap_or_default());
        // A byte is a digit when its high nibble is 3 and stays 3 with 6 added; other bytes are marked (a
        // carry out of a byte of 0xFA or more marks only bytes after it, past the end anyway).
        let high = |w: u64| w & 0xF0F0_F0F0_F0F0_F0F0;
        const THREES: u64 = 0x3030_3030_3030_3030;
        let others = (high(word) ^ THREES) | (high(word.wrapping_add(0x0606_0606_0606_0606)) ^ THREES);
        if others != 0 {
            return at + (others.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while input.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    at
}

/// Tokens for the input from `at` on, until `end` (or a little after, to finish a match); where they end.
fn tokenize(input: &[u8], mut at: usize, end: usize, table: &mut [u32], tokens: &mut Vec<u32>) -> usize {
    let last_match_start = input.len().saturating_sub(MAX_MATCH.max(8));
    let mut literals = at;
    while at < end {
        if at >= last_match_start {
            at = end;
            break;
        }
        let byte = input[at];
        // A decimal point is followed by digits, which rarely repeat: looking for matches there cost an
        // LMBench CSV a sixth of its time, and made it larger (27.5 MB against 27.2 MB of 67 MB).
        if byte.is_ascii_digit() || byte == b'.' {
            at = digits_end(input, at + 1);
            continue;
        }
        let word = word_at(input, at);
        let hash = (word.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize;
        // Positions + 1: 0 is none.
        let candidate = table[hash] as usize;
        table[hash] = at as u32 + 1;
        if candidate > 0 && at - (candidate - 1) <= WINDOW && word_at(input, candidate - 1) == word {
            let from = candidate - 1;
            let mut length = MIN_MATCH;
            let limit = MAX_MATCH.min(input.len() - at);
            while length + 8 <= limit {
                let a = u64::from_le_bytes(input[from + length..from + length + 8].try_into().unwrap_or_default());
                let b = u64::from_le_bytes(input[at + length..at + length + 8].try_into().unwrap_or_default());
                if a != b {
                    length += ((a ^ b).trailing_zeros() / 8) as usize;
                    break;
                }
                length += 8;
            }
            while length < limit && input[from + length] == input[at + length] {
                length += 1;
            }
            let length = length.min(limit);
            if at > literals {
                tokens.push((at - literals) as u32);
            }
            tokens.push(MATCH | ((length - 3) as u32) << 15 | (at - from - 1) as u32);
            at += length;
            literals = at;
        } else {
            at += 1;
        }
    }
    let at = at.min(input.len()).max(end);
    if at > literals {
        tokens.push((at - literals) as u32);
    }
    at
}

/// Bits written least significant first, as deflate packs them, into `bytes` up to `pending.at` (which
/// has room made for each block ahead of it).
struct Bits {
    bytes: Vec<u8>,
    pending: Pending,
}

/// Where the next bits go, and the bits not yet whole bytes: apart from the bytes, so that the compiler
/// keeps them in registers while a block is written (a byte written might otherwise be them, and they
/// were stored back after each code: a tenth of compressing an LMBench CSV).
#[derive(Clone, Copy)]
struct Pending {
    at: usize,
    word: u64,
    count: u32,
}

impl Bits {
    /// Room for `bytes` more.
    fn room(&mut self, bytes: usize) {
        if self.bytes.len() < self.pending.at + bytes {
            self.bytes.resize(self.pending.at + bytes, 0);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.room(8);
        let Pending { mut at, mut word, mut count } = self.pending;
        while count > 0 {
            self.bytes[at] = word as u8;
            at += 1;
            word >>= 8;
            count = count.saturating_sub(8);
        }
        self.bytes.truncate(at);
        self.bytes
    }
}

impl Pending {
    /// Puts up to 57 bits into `bytes`. The word is stored whole each time and only its whole bytes are
    /// kept, so fewer than 8 bits stay pending: no branch.
    #[inline]
    fn put(&mut self, bytes: &mut [u8], bits: impl Into<u64>, count: u32) {
        self.word |= bits.into() << self.count;
        self.count += count;
        bytes[self.at..self.at + 8].copy_from_slice(&self.word.to_le_bytes());
        let whole = self.count / 8;
        self.at += whole as usize;
        self.word >>= whole * 8;
        self.count -= whole * 8;
    }
}

/// A Huffman code: each symbol's length and its code, bits reversed for writing.
struct Code {
    lengths: Vec<u8>,
    codes: Vec<u16>,
}

impl Code {
    /// The code of the given frequencies, no longer than `limit` bits; at least two symbols have a code.
    fn new(frequencies: &[u32], limit: u32) -> Code {
        let mut symbols: Vec<(u32, usize)> =
            frequencies.iter().enumerate().filter(|(_, &f)| f > 0).map(|(s, &f)| (f, s)).collect();
        // Two symbols at least: a code of one symbol would not be complete.
        let unused: Vec<usize> = frequencies.iter().enumerate().filter(|(_, &f)| f == 0).map(|(s, _)| s).collect();
        for &filler in unused.iter().take(2_usize.saturating_sub(symbols.len())) {
            symbols.push((1, filler));
        }
        symbols.sort_unstable();
        let lengths_by_rank = huffman_lengths(&symbols.iter().map(|s| s.0).collect::<Vec<_>>(), limit);
        let mut lengths = vec![0u8; frequencies.len()];
        for (&(_, symbol), &length) in symbols.iter().zip(&lengths_by_rank) {
            lengths[symbol] = length;
        }
        let codes = canonical(&lengths);
        Code { lengths, codes }
    }
}

/// Code lengths for frequencies in ascending order (two at least), none longer than `limit`: Huffman's,
/// then made to fit as miniz does (the longest codes moved up, the Kraft sum kept at one).
fn huffman_lengths(frequencies: &[u32], limit: u32) -> Vec<u8> {
    let n = frequencies.len();
    // Huffman's tree by two queues: the leaves in order, and the inner nodes as made (also in order).
    let mut parent = vec![0usize; 2 * n - 1];
    let mut weight: Vec<u64> = frequencies.iter().map(|&f| u64::from(f)).collect();
    weight.resize(2 * n - 1, 0);
    let (mut leaf, mut inner) = (0, n);
    for node in n..2 * n - 1 {
        let mut take = || {
            if leaf < n && (inner >= node || weight[leaf] <= weight[inner]) {
                leaf += 1;
                leaf - 1
            } else {
                inner += 1;
                inner - 1
            }
        };
        let (a, b) = (take(), take());
        weight[node] = weight[a] + weight[b];
        parent[a] = node;
        parent[b] = node;
    }
    // Depths, from the root down.
    let mut depth = vec![0u32; 2 * n - 1];
    for node in (0..2 * n - 2).rev() {
        depth[node] = depth[parent[node]] + 1;
    }
    // How many codes of each length; lengths over the limit moved up.
    let mut count = [0u32; 33];
    for &d in &depth[..n] {
        count[d.min(32) as usize] += 1;
    }
    let limit = limit as usize;
    for length in limit + 1..33 {
        count[limit] += count[length];
        count[length] = 0;
    }
    let mut total: u64 = (1..=limit).map(|l| u64::from(count[l]) << (limit - l)).sum();
    while total != 1 << limit {
        count[limit] -= 1;
        for length in (1..limit).rev() {
            if count[length] != 0 {
                count[length] -= 1;
                count[length + 1] += 2;
                break;
            }
        }
        total -= 1;
    }
    // The shortest codes to the most frequent symbols (the last ones).
    let mut lengths = vec![0u8; n];
    let mut rank = n;
    for (length, &c) in count.iter().enumerate().take(limit + 1).skip(1) {
        for _ in 0..c {
            rank -= 1;
            lengths[rank] = length as u8;
        }
    }
    lengths
}

/// Canonical codes for code lengths, bits reversed.
fn canonical(lengths: &[u8]) -> Vec<u16> {
    let mut count = [0u16; 16];
    for &l in lengths {
        count[l as usize] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            if l == 0 {
                return 0;
            }
            let code = next[l as usize];
            next[l as usize] += 1;
            code.reverse_bits() >> (16 - l)
        })
        .collect()
}

/// The symbols (less 257) of match lengths less 3, and of distances less 1: below 256 by `distance - 1`,
/// above by `(distance - 1) >> 7`, as zlib does.
struct Symbols {
    length: [u8; 256],
    near: [u8; 256],
    far: [u8; 256],
}

impl Symbols {
    fn new() -> Symbols {
        let mut symbols = Symbols { length: [0; 256], near: [0; 256], far: [0; 256] };
        let length_symbol = |length: usize| LENGTH_BASE.partition_point(|&base| usize::from(base) <= length) - 1;
        let distance_symbol =
            |distance: usize| DISTANCE_BASE.partition_point(|&base| usize::from(base) <= distance) - 1;
        for i in 0..256 {
            symbols.length[i] = length_symbol(i + 3) as u8;
            symbols.near[i] = distance_symbol(i + 1) as u8;
            symbols.far[i] = distance_symbol((i << 7) + 1) as u8;
        }
        symbols
    }

    #[inline]
    fn distance(&self, distance_less_1: usize) -> usize {
        usize::from(if distance_less_1 < 256 { self.near[distance_less_1] } else { self.far[distance_less_1 >> 7] })
    }
}

/// One block of tokens with its own codes.
fn write_block(out: &mut Bits, input: &[u8], tokens: &[u32], last: bool, symbols: &Symbols) {
    let mut literal_frequencies = [0u32; 286];
    let mut distance_frequencies = [0u32; 30];
    // Four counts of each byte, so that counting the same byte again need not wait for the last count.
    let mut byte_counts = [[0u32; 256]; 4];
    let mut at = 0;
    for &token in tokens {
        if token & MATCH == 0 {
            let run = &input[at..at + token as usize];
            at += token as usize;
            let mut quads = run.chunks_exact(4);
            for quad in &mut quads {
                for (counts, &byte) in byte_counts.iter_mut().zip(quad) {
                    counts[usize::from(byte)] += 1;
                }
            }
            for &byte in quads.remainder() {
                byte_counts[0][usize::from(byte)] += 1;
            }
        } else {
            at += (token >> 15 & 0xff) as usize + 3;
            literal_frequencies[257 + usize::from(symbols.length[(token >> 15 & 0xff) as usize])] += 1;
            distance_frequencies[symbols.distance((token & 0x7fff) as usize)] += 1;
        }
    }
    for (byte, frequency) in literal_frequencies[..256].iter_mut().enumerate() {
        *frequency = byte_counts.iter().map(|counts| counts[byte]).sum();
    }
    literal_frequencies[256] = 1;
    let literals = Code::new(&literal_frequencies, 15);
    let distances = Code::new(&distance_frequencies, 15);
    let literal_count = 257 + literals.lengths[257..].iter().rposition(|&l| l > 0).map_or(0, |p| p + 1);
    let distance_count = 1 + distances.lengths.iter().rposition(|&l| l > 0).unwrap_or(0);
    // The code lengths of both, run-length coded: (symbol, extra bits, their count).
    let all: Vec<u8> =
        literals.lengths[..literal_count].iter().chain(&distances.lengths[..distance_count]).copied().collect();
    let mut runs: Vec<(u8, u8, u8)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let value = all[i];
        let mut run = 1;
        while i + run < all.len() && all[i + run] == value {
            run += 1;
        }
        i += run;
        if value == 0 {
            while run >= 11 {
                let n = run.min(138);
                runs.push((18, (n - 11) as u8, 7));
                run -= n;
            }
            if run >= 3 {
                runs.push((17, (run - 3) as u8, 3));
                run = 0;
            }
        } else {
            runs.push((value, 0, 0));
            run -= 1;
            while run >= 3 {
                let n = run.min(6);
                runs.push((16, (n - 3) as u8, 2));
                run -= n;
            }
        }
        for _ in 0..run {
            runs.push((value, 0, 0));
        }
    }
    let mut length_frequencies = [0u32; 19];
    for &(symbol, _, _) in &runs {
        length_frequencies[symbol as usize] += 1;
    }
    let lengths_code = Code::new(&length_frequencies, 7);
    let order_count = 4.max(19 - CODE_LENGTH_ORDER.iter().rev().take_while(|&&s| lengths_code.lengths[s] == 0).count());

    // At most 48 bits a token, and the header.
    out.room(input.len() * 2 + tokens.len() * 6 + 512);
    let mut pending = out.pending;
    let sink = out.bytes.as_mut_slice();
    pending.put(sink, u32::from(last) | 2 << 1, 3);
    pending.put(sink, (literal_count - 257) as u32, 5);
    pending.put(sink, (distance_count - 1) as u32, 5);
    pending.put(sink, (order_count - 4) as u32, 4);
    for &symbol in &CODE_LENGTH_ORDER[..order_count] {
        pending.put(sink, u32::from(lengths_code.lengths[symbol]), 3);
    }
    for &(symbol, extra, extra_bits) in &runs {
        let s = symbol as usize;
        pending.put(sink, u32::from(lengths_code.codes[s]), u32::from(lengths_code.lengths[s]));
        if extra_bits > 0 {
            pending.put(sink, u32::from(extra), u32::from(extra_bits));
        }
    }
    // Each byte's code and its length, side by side.
    let bytes: Vec<(u64, u32)> =
        (0..256).map(|b| (u64::from(literals.codes[b]), u32::from(literals.lengths[b]))).collect();
    let codes = Codes { bytes: &bytes, literals: &literals, distances: &distances, symbols };
    // Four literals' codes at a time fit in what put takes where no byte's code is longer than 14 bits,
    // as in every block of result files (digits take 3-4 bits); three always do.
    if literals.lengths[..256].iter().all(|&l| l <= 14) {
        write_tokens::<4>(&mut pending, sink, input, tokens, &codes);
    } else {
        write_tokens::<3>(&mut pending, sink, input, tokens, &codes);
    }
    pending.put(sink, u32::from(literals.codes[256]), u32::from(literals.lengths[256]));
    out.pending = pending;
}

/// A block's codes, as [`write_tokens`] takes them.
struct Codes<'a> {
    bytes: &'a [(u64, u32)],
    literals: &'a Code,
    distances: &'a Code,
    symbols: &'a Symbols,
}

/// A block's tokens, with the literals of each run `N` at a time: their codes must fit in what put takes.
fn write_tokens<const N: usize>(pending: &mut Pending, sink: &mut [u8], input: &[u8], tokens: &[u32], codes: &Codes) {
    let Codes { bytes, literals, distances, symbols } = codes;
    let mut at = 0;
    for &token in tokens {
        if token & MATCH == 0 {
            let run = &input[at..at + token as usize];
            at += token as usize;
            // The codes of a group of bytes, the first one first, and their length.
            let joined = |group: &[u8]| {
                group.iter().fold((0, 0), |(code, length), &byte| {
                    let (c, l) = bytes[usize::from(byte)];
                    (code | c << length, length + l)
                })
            };
            let mut groups = run.chunks_exact(N);
            for group in &mut groups {
                let (code, length) = joined(group);
                pending.put(sink, code, length);
            }
            let (code, length) = joined(groups.remainder());
            pending.put(sink, code, length);
        } else {
            let length = (token >> 15 & 0xff) as usize + 3;
            let distance = (token & 0x7fff) as usize + 1;
            at += length;
            let (l, d) = (usize::from(symbols.length[length - 3]), symbols.distance(distance - 1));
            let s = 257 + l;
            // The length's code and extra bits and the distance's, 48 bits at most: in one put.
            let length_bits = u32::from(literals.lengths[s]) + u32::from(LENGTH_EXTRA[l]);
            let length_code =
                u64::from(literals.codes[s]) | ((length - usize::from(LENGTH_BASE[l])) as u64) << literals.lengths[s];
            let distance_code = u64::from(distances.codes[d])
                | ((distance - usize::from(DISTANCE_BASE[d])) as u64) << distances.lengths[d];
            pending.put(
                sink,
                length_code | distance_code << length_bits,
                length_bits + u32::from(distances.lengths[d]) + u32::from(DISTANCE_EXTRA[d]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflated(deflate: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec(deflate).expect("a valid deflate stream")
    }

    /// A small deterministic generator (xorshift).
    fn random(n: usize, seed: u64, alphabet: &[u8]) -> Vec<u8> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn streams_inflate_to_their_input() {
        let every_byte: Vec<u8> = (0..=255).collect();
        let mut inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"a".to_vec(),
            b"0123456789".to_vec(),
            vec![0; 100_000],
            vec![b'7'; 70_000],
            (0..=255u8).cycle().take(300_000).collect(),
            random(200_000, 1, &every_byte),
            random(150_000, 2, b"0123456789,. \n"),
            random(150_000, 3, b"ab"),
        ];
        // Sizes about the block's and the window's.
        for n in [BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 300, WINDOW + 7, MAX_MATCH - 1, MAX_MATCH + 9] {
            inputs.push(random(n, n as u64, b"0123456789\"{}:,abc"));
        }
        // JSON lines like AIPerf's and vLLM's arrays, and an LMBench CSV: long matches, numbers between.
        let records: String = (0..20_000)
            .map(|i| {
                format!(
                    "{{\"metadata\":{{\"request_start_ns\":{}}},\"metrics\":{{\"value\":[{},{}],\"unit\":\"ms\"}}}}\n",
                    1_746_701_007_086_849_536u64 + i * 7_919,
                    (i * 31 % 97) as f64 / 7.0,
                    i
                )
            })
            .collect();
        inputs.push(records.into_bytes());
        let arrays: String = (0..30_000).map(|i| format!("{}, ", (i * 7_919 % 10_007) as f64 / 3.0)).collect();
        inputs.push(arrays.into_bytes());
        let csv = serving_compare::synth::results_csv(
            1,
            &serving_compare::synth::EXAMPLE_PROFILES[0],
            &serving_compare::synth::LONG_INPUT,
            0.5,
            5000,
        );
        inputs.push(csv.into_bytes());
        for input in &inputs {
            let deflate = compress(input);
            assert_eq!(inflated(&deflate), *input, "{} bytes", input.len());
        }
        // Every prefix of a short text.
        let text = b"{\"a\":[1.5,2.25,3],\"b\":\"xyz\"},{\"a\":[1.5,2.5,4],\"b\":\"xyz\"}".repeat(12);
        for n in 0..text.len() {
            assert_eq!(inflated(&compress(&text[..n])), &text[..n]);
        }
    }

    #[test]
    fn numbers_compress_about_as_well_as_by_libdeflate() {
        let csv = serving_compare::synth::results_csv(
            1,
            &serving_compare::synth::EXAMPLE_PROFILES[0],
            &serving_compare::synth::LONG_INPUT,
            0.5,
            20_000,
        );
        let ours = compress(csv.as_bytes()).len();
        // libdeflate's fastest level gave 43 % of such a CSV.
        assert!(ours < csv.len() * 45 / 100, "{ours} of {}", csv.len());
    }
}
