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

// Inflates a file embedded in data.js (base64 of raw deflate streams of pieces of at most `size` bytes in
// all, separated by commas) with the browser's own DecompressionStream, off the page's thread; resolves to
// a Uint8Array.
window.genSiteInflate = async function (base64, size) {
  var pieces = [];
  for (var piece of base64.split(",")) {
    var text = atob(piece);
    var deflated = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) deflated[i] = text.charCodeAt(i);
    var stream = new Blob([deflated]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    pieces.push(await new Response(stream).arrayBuffer());
  }
  var bytes = new Uint8Array(pieces.length == 1 ? pieces[0] : await new Blob(pieces).arrayBuffer());
  if (bytes.length > size) throw new Error("larger than the " + size + " bytes recorded");
  return bytes;
};
