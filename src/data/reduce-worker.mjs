// @module Body of a reduction worker thread (protocol in protocol.ts). Plain JavaScript: worker threads do
// not inherit tsx's loader hooks, and registering tsx in each worker costs ~0.4 s. Decodes the chunks it is
// sent with zarrita and folds them into per-tile partials, posted back tile by tile. Memory: the chunk being
// decoded, the few queued behind it, and one tile.
import { parentPort } from "node:worker_threads";
import * as zarr from "zarrita";
import { decodeCF } from "./cf-codec.mjs";
import { fileReader } from "./chunk-file.mjs";
import { registerCodecs } from "./codec-fixes.mjs";
import { decoderCache } from "./direct.mjs";
import { accumulate, newTile, settle } from "./kernel.mjs";

registerCodecs(zarr.registry);

const port = parentPort;
const encoder = new TextEncoder();
let init;
let store;
let array;
let current;
let direct;
// This thread's decoders, kept from one reduction to the next (their memory is touched once).
const decoders = decoderCache();

// Local chunk files are read into one buffer reused from chunk to chunk (valid until the next read).
const readFile = fileReader();

function flushTile() {
  if (!current) return;
  const { id, tile } = current;
  settle(tile, init.groups, init.layout);
  // A tile in WebAssembly memory (SIMD fold) is copied out: that memory cannot be transferred, and is reused.
  const [acc, count] = tile.add4 ? [tile.acc.slice(), tile.count.slice()] : [tile.acc, tile.count];
  port.postMessage({ type: "tile", tile: id, acc, count }, [acc.buffer, count.buffer]);
  current = undefined;
}

// zarrita hands back F-order chunks (v2 `order: "F"`, transpose codec) as strided data.
function isCOrder(shape, stride) {
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] > 1 && stride[i] !== step) return false;
    step *= shape[i];
  }
  return true;
}

async function viaZarrita(coords, chunkKey, bytes) {
  const arr = await array;
  if (bytes) store.set(chunkKey, bytes);
  const chunk = await arr.getChunk(coords);
  store.delete(chunkKey);
  if (!isCOrder(chunk.shape, chunk.stride)) throw new Error("chunks not in C order are not supported");
  // Some decoders (blosc in numcodecs.js) return short output for garbage instead of failing.
  const expected = init.layout.outer * init.layout.time * init.layout.inner;
  if (chunk.data.length !== expected) throw new Error(`decoded ${chunk.data.length} elements, expected ${expected}`);
  return init.cf ? decodeCF(init.cf, chunk.data) : chunk.data;
}

async function handle(message) {
  if (message.type === "init") {
    init = message;
    store = new Map(Object.entries(message.docs).map(([k, v]) => [k, encoder.encode(JSON.stringify(v))]));
    const location = new zarr.Location(store, `/${message.path}`);
    array = (message.format === 3 ? zarr.open.v3 : zarr.open.v2)(location, { kind: "array" });
    array.catch(() => {}); // reported on the first chunk
    const { outer, inner } = message.layout;
    // Packed data (message.cf) is decoded by zarrita then CF-decoded, never by the raw fast path.
    direct = message.cf ? undefined : await decoders(message.docs, outer * message.groups * inner);
    return;
  }
  if (message.type === "flush") {
    flushTile();
    port.postMessage({ type: "flushed" });
    return;
  }
  if (message.type === "claim") {
    // Chunks on the local disk, taken from a counter shared with the other workers: no message per chunk.
    const { items, next } = message;
    for (let i = Atomics.add(next, 0, 1); i < items.length; i = Atomics.add(next, 0, 1)) {
      if (!(await fold(items[i]))) return;
    }
    flushTile();
    port.postMessage({ type: "flushed" });
    return;
  }
  if (await fold(message)) port.postMessage({ type: "done" });
}

// Reads (or takes), decodes and folds one chunk; false after posting the error that stops the reduction.
async function fold({ coords, key, tile, tStart, steps, file, range, bytes: sent }) {
  const chunkKey = `/${key}`;
  try {
    const bytes = file ? readFile(file, range) : sent;
    // zarrita gets a standalone copy: some codecs read `bytes.buffer` whole.
    const data = (bytes && direct?.(bytes)) || (await viaZarrita(coords, chunkKey, file && bytes ? bytes.slice() : bytes));
    if (current?.id !== tile) {
      flushTile();
      current = { id: tile, tile: direct?.newTile?.(init.op, init.groups, init.layout) ?? newTile(init.op, init.groups, init.layout) };
    }
    accumulate(init.op, current.tile, init.groups, data, init.layout, init.index.subarray(tStart, tStart + steps), steps, init.missing);
    return true;
  } catch (error) {
    store?.delete(chunkKey);
    port.postMessage({ type: "error", key, message: error?.message ?? String(error) });
    return false;
  }
}

// Messages are handled strictly in order: a promise chain keeps async decoding sequential.
let queue = Promise.resolve();
const MINE = new Set(["init", "chunk", "claim", "flush"]);
port.on("message", (message) => {
  // The same thread serves lazy-array blocks (array/worker-body.ts): those messages are not ours.
  if (!MINE.has(message?.type)) return;
  queue = queue.then(() => handle(message));
});
port.postMessage({ type: "ready" });
