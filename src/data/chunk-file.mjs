// @module Reading a chunk's bytes from a local file (a folder's chunk file, or the byte range a local
// repository's manifest names) into a buffer reused from read to read: a fresh ~4 MB buffer per chunk faulted
// its pages in anew and left the garbage collector external memory to chase (most of a small selection's CPU
// on this VM). Plain JavaScript so reduction workers load it too; types in chunk-file.d.mts.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const isMissing = (error) => error?.code === "ENOENT" || error?.code === "ENOTDIR";

export function fileReader() {
  let buffer = new Uint8Array(0);
  return (file, range) => {
    let fd;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      // A folder's missing chunk is its fill value; a located chunk (a range) must be there.
      if (!range && isMissing(error)) return null;
      throw error;
    }
    try {
      const size = range ? range.length : fstatSync(fd).size;
      const from = range ? range.offset : 0;
      // Room to spare: compressed chunks differ by a few bytes.
      if (buffer.byteLength < size) buffer = new Uint8Array(size + (size >>> 3));
      let at = 0;
      while (at < size) {
        const n = readSync(fd, buffer, at, size - at, from + at);
        if (n === 0) break;
        at += n;
      }
      if (range && at < size) throw new Error(`${file}: ${at} bytes at ${from}, expected ${size}`);
      return buffer.subarray(0, at);
    } finally {
      closeSync(fd);
    }
  };
}
