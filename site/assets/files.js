// Reads what the user dropped or picked, folders included, for the viewer: resolves to an array of
// [path relative to what was chosen, Uint8Array]. Entries are taken synchronously, while the drop event
// still grants access to them.
window.genSiteReadFiles = function (source) {
  var entries = null;
  var files = source;
  if (typeof DataTransfer !== "undefined" && source instanceof DataTransfer) {
    var items = Array.prototype.slice.call(source.items || []);
    entries = items.map(function (item) { return item.webkitGetAsEntry ? item.webkitGetAsEntry() : null; });
    if (!entries.length || entries.some(function (e) { return !e; })) entries = null;
    files = Array.prototype.slice.call(source.files || []);
  } else {
    files = Array.prototype.slice.call(source || []);
  }
  var out = [];
  function read(file, path) {
    return file.arrayBuffer().then(function (buffer) { out.push([path, new Uint8Array(buffer)]); });
  }
  function walk(entry, prefix) {
    if (entry.isFile) {
      return new Promise(function (resolve, reject) { entry.file(resolve, reject); })
        .then(function (file) { return read(file, prefix + entry.name); });
    }
    var reader = entry.createReader();
    function batch() {
      return new Promise(function (resolve, reject) { reader.readEntries(resolve, reject); }).then(function (list) {
        if (!list.length) return;
        return list.reduce(function (p, e) { return p.then(function () { return walk(e, prefix + entry.name + "/"); }); },
          Promise.resolve()).then(batch);
      });
    }
    return batch();
  }
  var work = entries
    ? entries.reduce(function (p, e) { return p.then(function () { return walk(e, ""); }); }, Promise.resolve())
    : files.reduce(function (p, f) { return p.then(function () { return read(f, f.webkitRelativePath || f.name); }); },
      Promise.resolve());
  return work.then(function () { return out; });
};
