// Reads what the user dropped or picked, folders included, for the viewer: resolves to an array of
// [path relative to what was chosen, Uint8Array]. Everything a drop offers is taken synchronously, while
// the drop event still grants access to it; the reading itself happens later.
//
// Folders: Chromium refuses webkitGetAsEntry reads on pages opened from file:// (EncodingError), but
// allows getAsFileSystemHandle there; other browsers have only webkitGetAsEntry. Each is tried in turn.
window.genSiteReadFiles = function (source) {
  var isDrop = typeof DataTransfer !== "undefined" && source instanceof DataTransfer;
  var items = isDrop ? Array.prototype.slice.call(source.items || []) : [];
  var files = Array.prototype.slice.call(isDrop ? source.files || [] : source || []);
  var handles = items.length && items.every(function (i) { return i.getAsFileSystemHandle; })
    ? items.map(function (i) { return i.getAsFileSystemHandle(); })
    : null;
  var entries = items.map(function (i) { return i.webkitGetAsEntry ? i.webkitGetAsEntry() : null; });
  if (!entries.length || entries.some(function (e) { return !e; })) entries = null;

  async function fromHandles() {
    var out = [];
    async function walk(handle, prefix) {
      if (handle.kind === "file") {
        var file = await handle.getFile();
        out.push([prefix + handle.name, new Uint8Array(await file.arrayBuffer())]);
        return;
      }
      for await (var child of handle.values()) await walk(child, prefix + handle.name + "/");
    }
    var resolved = await Promise.all(handles);
    // Items without a file-system handle (files made by a script, say): let the next way read them.
    if (resolved.some(function (h) { return !h; })) throw new Error("not every item has a handle");
    for (var handle of resolved) await walk(handle, "");
    return out;
  }

  async function fromEntries() {
    var out = [];
    async function walk(entry, prefix) {
      if (entry.isFile) {
        var file = await new Promise(function (resolve, reject) { entry.file(resolve, reject); });
        out.push([prefix + entry.name, new Uint8Array(await file.arrayBuffer())]);
        return;
      }
      var reader = entry.createReader();
      for (;;) {
        var batch = await new Promise(function (resolve, reject) { reader.readEntries(resolve, reject); });
        if (!batch.length) return;
        for (var child of batch) await walk(child, prefix + entry.name + "/");
      }
    }
    for (var entry of entries) await walk(entry, "");
    return out;
  }

  async function fromFiles() {
    var out = [];
    for (var file of files) out.push([file.webkitRelativePath || file.name, new Uint8Array(await file.arrayBuffer())]);
    return out;
  }

  return (async function () {
    if (handles) {
      try { return await fromHandles(); } catch (e) { /* fall through to the older API */ }
    }
    if (entries) {
      try { return await fromEntries(); } catch (e) { /* fall through to the plain file list */ }
    }
    return fromFiles();
  })();
};

// The bytes of a base64 string.
function genSiteBytes(base64) {
  var text = atob(base64);
  var bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// Inflates a file embedded in data.js (base64 of raw deflate streams of pieces of at most `size` bytes in
// all, separated by commas) with the browser's own DecompressionStream, off the page's thread; resolves to
// a Uint8Array.
window.genSiteInflate = async function (base64, size) {
  var pieces = [];
  for (var piece of base64.split(",")) {
    var stream = new Blob([genSiteBytes(piece)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    pieces.push(await new Response(stream).arrayBuffer());
  }
  var bytes = new Uint8Array(pieces.length == 1 ? pieces[0] : await new Blob(pieces).arrayBuffer());
  if (bytes.length > size) throw new Error("larger than the " + size + " bytes recorded");
  return bytes;
};

// Decodes the viewer's module (viewer-wasm.js: base64 of the LZMA properties byte, then the raw LZMA
// stream of `size` bytes without end marker), which LZMA carries in a sixth less than deflate; browsers
// decode no LZMA, so this follows the reference decoder of the LZMA specification. The whole output is
// the dictionary. A generator: it pauses after each `slice` bytes decoded, so that the page's thread is
// never held for the whole of it (0.1-0.2 s), and returns the module.
window.genSiteUnlzma = function* (base64, size, slice) {
  var input = genSiteBytes(base64), at = 6;
  var props = input[0], lc = props % 9, lp = ((props / 9) | 0) % 5, pb = (props / 45) | 0;
  var out = new Uint8Array(size), pos = 0;
  var range = 0xffffffff, code = ((input[2] << 24) | (input[3] << 16) | (input[4] << 8) | input[5]) >>> 0;

  function probs(n) { return new Uint16Array(n).fill(1024); }
  // One bit with its adaptive probability probs[i] (of a 0, in 2048ths).
  function bit(p, i) {
    var bound = (range >>> 11) * p[i], b;
    if (code < bound) { range = bound; p[i] += (2048 - p[i]) >> 5; b = 0; }
    else { range -= bound; code -= bound; p[i] -= p[i] >> 5; b = 1; }
    if (range < 0x1000000) { range = (range << 8) >>> 0; code = ((code << 8) | input[at++]) >>> 0; }
    return b;
  }
  // `n` bits, highest first, down a binary tree of probabilities at p[base + 1 ..].
  function tree(p, base, n) {
    var m = 1;
    for (var i = 0; i < n; i++) m = (m << 1) | bit(p, base + m);
    return m - (1 << n);
  }
  // `n` bits, lowest first, down such a tree.
  function reverse(p, base, n) {
    var m = 1, symbol = 0;
    for (var i = 0; i < n; i++) { var b = bit(p, base + m); m = (m << 1) | b; symbol |= b << i; }
    return symbol;
  }
  function direct(n) {
    var value = 0;
    for (; n > 0; n--) {
      range >>>= 1;
      var b = code >= range ? 1 : 0;
      if (b) code -= range;
      value = value * 2 + b;
      if (range < 0x1000000) { range = (range << 8) >>> 0; code = ((code << 8) | input[at++]) >>> 0; }
    }
    return value;
  }
  // A match length less 2: choice bits, then a 3-bit tree per position state, or the 8-bit one.
  function lengths() {
    var p = probs(2 + 2 * 16 * 8 + 256);
    return function (posState) {
      if (!bit(p, 0)) return tree(p, 2 + posState * 8, 3);
      if (!bit(p, 1)) return 8 + tree(p, 2 + (16 + posState) * 8, 3);
      return 16 + tree(p, 2 + 2 * 16 * 8, 8);
    };
  }

  var literal = probs(0x300 << (lc + lp)), isMatch = probs(192), isRep = probs(12), isRepG0 = probs(12);
  var isRepG1 = probs(12), isRepG2 = probs(12), isRep0Long = probs(192), slots = probs(4 * 64);
  var special = probs(115), align = probs(16), matchLength = lengths(), repLength = lengths();
  var state = 0, rep0 = 0, rep1 = 0, rep2 = 0, rep3 = 0, posMask = (1 << pb) - 1;
  for (var pause = slice; pos < size; ) {
    if (pos >= pause) { pause = pos + slice; yield; }
    var posState = pos & posMask;
    if (!bit(isMatch, (state << 4) + posState)) {
      var previous = pos > 0 ? out[pos - 1] : 0, symbol = 1;
      var base = 0x300 * (((pos & ((1 << lp) - 1)) << lc) + (previous >> (8 - lc)));
      if (state >= 7) {
        var matchByte = out[pos - rep0 - 1];
        do {
          var matchBit = (matchByte >> 7) & 1;
          matchByte <<= 1;
          var b = bit(literal, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | b;
          if (matchBit != b) break;
        } while (symbol < 0x100);
      }
      while (symbol < 0x100) symbol = (symbol << 1) | bit(literal, base + symbol);
      out[pos++] = symbol - 0x100;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    var length;
    if (bit(isRep, state)) {
      if (!bit(isRepG0, state)) {
        if (!bit(isRep0Long, (state << 4) + posState)) {
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        var distance;
        if (!bit(isRepG1, state)) distance = rep1;
        else {
          if (!bit(isRepG2, state)) distance = rep2;
          else { distance = rep3; rep3 = rep2; }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = distance;
      }
      length = repLength(posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2; rep2 = rep1; rep1 = rep0;
      length = matchLength(posState);
      state = state < 7 ? 7 : 10;
      var slot = tree(slots, 64 * Math.min(length, 3), 6);
      if (slot < 4) rep0 = slot;
      else {
        var bits = (slot >> 1) - 1;
        rep0 = (2 | (slot & 1)) * 2 ** bits;
        if (slot < 14) rep0 += reverse(special, rep0 - slot, bits);
        else rep0 += direct(bits - 4) * 16 + reverse(align, 0, 4);
      }
    }
    if (rep0 >= pos) throw new Error("corrupt module: a match before its start");
    for (var end = Math.min(pos + length + 2, size); pos < end; pos++) out[pos] = out[pos - rep0 - 1];
  }
  return out;
};

// Puts the viewer's module (`size` bytes) back together from the streams build.rs split its code into
// (crates/gen-site/build/code_streams.rs, whose reading of each instruction this follows): the streams'
// lengths, then the streams. The sizes of the bodies and of the code section are written once known, in
// the 5 bytes left for each, the bytes after it then moved up.
window.genSiteJoinCode = function (data, size) {
  var FRONT = 0, BACK = 1, LOCALS = 2, OP = 3, BLOCK_TYPE = 4, LABEL = 5, CALL = 6, MISC = 7, LOCAL = 8;
  var GLOBAL = 9, OFFSET = 10, I32 = 11, ADDRESS = 12, I64 = 13, FLOAT = 14;
  // Opcode and operand of each instruction written as 0xe0 + its place here (FUSED in code_streams.rs).
  var FUSED = [0x20, 0, 0x20, 1, 0x21, 0, 0x21, 1, 0x22, 0, 0x22, 1, 0x41, 0, 0x41, 1, 0x41, 2, 0x41, 3, 0x0c, 0, 0x0d, 0];
  // Room for the 5 bytes left for the section's size and a body's, before either is written.
  var out = new Uint8Array(size + 10), o = 0, at = [0], lengths = [];
  // Moves the LEB128 number at the start of stream `s` to the module; gives its value.
  function copy(s) {
    var value = 0, scale = 1, b;
    do { b = out[o++] = data[at[s]++]; value += (b & 127) * scale; scale *= 128; } while (b & 128);
    return value;
  }
  function raw(s, n) { out.set(data.subarray(at[s], at[s] += n), o); o += n; }
  // Writes the size of what follows the 5 bytes left at `start`.
  function sized(start) {
    var n = o - start - 5, end = start;
    for (; n >= 128; n = Math.floor(n / 128)) out[end++] = (n & 127) | 128;
    out[end++] = n;
    out.copyWithin(end, start + 5, o);
    o -= start + 5 - end;
  }
  // The lengths, read with `copy` (what it writes is then overwritten), then where each stream starts.
  for (var s = 0; s < 15; s++) lengths.push(copy(0));
  for (var s = 0, start = at[0], o = 0; s < 15; start += lengths[s++]) at[s] = start;

  raw(FRONT, lengths[FRONT]);
  out[o++] = 10;
  var section = o;
  o += 5;
  for (var count = copy(LOCALS); count--; ) {
    var body = o;
    o += 5;
    for (var n = copy(LOCALS); n--; ) { copy(LOCALS); copy(LOCALS); }
    for (var depth = 0; depth >= 0; ) {
      var op = out[o++] = data[at[OP]++];
      if (op >= 0x02 && op <= 0x04) { copy(BLOCK_TYPE); depth++; }
      else if (op == 0x0b) depth--;
      else if (op >= 0xe0 && op < 0xec) { out[o - 1] = FUSED[2 * (op - 0xe0)]; out[o++] = FUSED[2 * (op - 0xe0) + 1]; }
      else if (op == 0x0c || op == 0x0d) copy(LABEL);
      else if (op == 0x0e) for (n = copy(LABEL); n-- >= 0; ) copy(LABEL);
      else if (op == 0x10 || op == 0xd2) copy(CALL);
      else if (op == 0x11) { copy(MISC); copy(MISC); }
      else if (op == 0x1c) for (n = copy(MISC); n--; ) copy(MISC);
      else if (op >= 0x20 && op <= 0x22) copy(LOCAL);
      else if (op >= 0x23 && op <= 0x26) copy(GLOBAL);
      else if (op >= 0x28 && op <= 0x3e) { copy(OP); copy(OFFSET); }
      else if (op == 0x3f || op == 0x40 || op == 0xd0) copy(MISC);
      else if (op == 0x41) copy(I32);
      else if (op == 0x06) {
        // An address: 3 bytes big-endian, written as i32.const's signed LEB128 number.
        out[o - 1] = 0x41;
        var value = (data[at[ADDRESS]++] << 16) | (data[at[ADDRESS]++] << 8) | data[at[ADDRESS]++];
        for (; value >= 64; value >>= 7) out[o++] = (value & 127) | 128;
        out[o++] = value;
      }
      else if (op == 0x42) copy(I64);
      else if (op == 0x43 || op == 0x44) raw(FLOAT, op == 0x43 ? 4 : 8);
      else if (op == 0xfc) for (n = [0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1][copy(OP)]; n--; ) copy(MISC);
    }
    sized(body);
  }
  sized(section);
  raw(BACK, lengths[BACK]);
  return out.subarray(0, o);
};
