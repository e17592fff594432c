/**
 * @module Streaming group-by reduction of one lazy variable. When every chunk is a file (or file range) on the
 * local disk (a plain folder, a local repository), workers read them themselves, each taking the next from a
 * counter they share, in tile-major order. Otherwise the main thread fetches chunk bytes (any store) and hands
 * them out, at most `prefetch` in flight per worker. Workers decode and fold; the main thread merges tiles
 * into the output. Memory is a few chunks per worker plus the output,
 * whatever the length of the time axis.
 */
import type { Worker } from "node:worker_threads";
import type { AbsolutePath } from "zarrita";
import { type Variable, chunkGrid, readChunk, sizeOf } from "./dataset.ts";
import { needsDecoding } from "./cf-codec.mjs";
import type { DirectDecoder } from "./direct.mjs";
import { borrowDecoder, withChunkBytes } from "./thread-decoders.ts";
import { ChunkError, UnsupportedError, where } from "./errors.ts";
import type { Reducer } from "./groupby.ts";
import { type ChunkLayout, type FloatData, type Tile, accumulate, combine, newTile, settle } from "./kernel.mjs";
import type { ReducerPool } from "./pool.ts";
import { FileSystemStore } from "./store.ts";
import type { ChunkMessage, ClaimMessage, FromWorker, InitMessage, LocalChunk } from "./protocol.ts";

export interface StreamOptions {
  /** Worker threads to use; 0 reduces on the main thread. Default: the pool's size, capped by the chunk count. */
  workers?: number | undefined;
  /** Pool to borrow workers from; without one, a temporary pool is started and closed. */
  pool?: ReducerPool | undefined;
  /** Chunks in flight per worker, or read ahead on the main thread (default 2). */
  prefetch?: number | undefined;
}

interface Plan {
  axis: number;
  groups: number;
  layout: ChunkLayout;
  chunks: number[];
  /** Work items in tile-major order: every time chunk of one spatial tile, then the next tile. */
  items: { coords: number[]; tile: string; tStart: number; steps: number }[];
  out: Tile;
  outShape: number[];
}

function plan(variable: Variable, timeDim: string, groups: number, op: Reducer): Plan {
  const axis = variable.dims.indexOf(timeDim);
  const chunks = [...variable.lazy!.node.chunks];
  const shape = variable.shape;
  const tileGrid = shape.map((n, i) => (i === axis ? 1 : n));
  const items: Plan["items"] = [];
  const timeChunks = Math.ceil(shape[axis]! / chunks[axis]!);
  for (const tileCoords of chunkGrid(tileGrid, chunks)) {
    for (let t = 0; t < timeChunks; t++) {
      const coords = tileCoords.map((c, i) => (i === axis ? t : c));
      const tStart = t * chunks[axis]!;
      items.push({ coords, tile: tileCoords.join(","), tStart, steps: Math.min(chunks[axis]!, shape[axis]! - tStart) });
    }
  }
  const layout = { outer: sizeOf(chunks.slice(0, axis)), time: chunks[axis]!, inner: sizeOf(chunks.slice(axis + 1)) };
  const outShape = shape.map((n, i) => (i === axis ? groups : n));
  return { axis, groups, layout, chunks, items, out: newTile(op, groups, { outer: sizeOf(shape.slice(0, axis)), time: 0, inner: sizeOf(shape.slice(axis + 1)) }), outShape };
}

/** Merges one tile (chunk-shaped, time axis replaced by groups) into the output, cropping edge chunks. */
function mergeTile(p: Plan, op: Reducer, tileId: string, tile: Tile): void {
  const origin = tileId.split(",").map((c, i) => (i === p.axis ? 0 : Number(c) * p.chunks[i]!));
  const tileShape = p.chunks.map((c, i) => (i === p.axis ? p.groups : c));
  const extent = p.outShape.map((n, i) => Math.min(tileShape[i]!, n - origin[i]!));
  const rank = tileShape.length;
  const tStride = tileShape.map((_, i) => sizeOf(tileShape.slice(i + 1)));
  const oStride = p.outShape.map((_, i) => sizeOf(p.outShape.slice(i + 1)));
  const walk = (d: number, tAt: number, oAt: number): void => {
    if (d === rank - 1) return combine(op, p.out, tile, oAt + origin[d]!, tAt, extent[d]!);
    for (let i = 0; i < extent[d]!; i++) walk(d + 1, tAt + i * tStride[d]!, oAt + (origin[d]! + i) * oStride[d]!);
  };
  if (rank === 0) combine(op, p.out, tile, 0, 0, 1);
  else walk(0, 0, 0);
}

/** Reduces on the main thread (no workers, or sharded arrays whose chunks need range reads). */
async function reduceHere(variable: Variable, p: Plan, op: Reducer, index: Int32Array, missing: number[], prefetch: number): Promise<void> {
  const { node } = variable.lazy!;
  // Packed data decodes through readChunk (CF decoding included), never the raw fast path.
  const loan = needsDecoding(variable.encoding.cf) ? undefined : await borrowDecoder(node.docs, p.layout.outer * p.groups * p.layout.inner);
  try {
    await foldHere(variable, p, op, index, missing, prefetch, loan?.decoder);
  } finally {
    loan?.release();
  }
}

/** reduceHere's loop, with this reduction's own decoder (its tile lives in the decoder's memory). */
async function foldHere(variable: Variable, p: Plan, op: Reducer, index: Int32Array, missing: number[], prefetch: number, direct: DirectDecoder | undefined): Promise<void> {
  const { node, array } = variable.lazy!;
  // Reads run `prefetch` chunks ahead so slow stores (Icechunk) overlap decoding; a failed read or decode goes
  // through zarrita again, which reports it with the chunk key.
  // Local chunks (a folder, a local repository) are read when decoded, into this thread's reused buffer.
  const local = array.store.inner instanceof FileSystemStore || array.store.inner.locate !== undefined;
  const read = (i: number) => (direct && !local ? array.store.get(`/${node.chunkKey(p.items[i]!.coords)}` as AbsolutePath).catch(() => undefined) : undefined);
  const ahead = p.items.slice(0, prefetch).map((_, i) => read(i));
  let current: { id: string; tile: Tile } | undefined;
  for (const [i, item] of p.items.entries()) {
    if (i + prefetch < p.items.length) ahead.push(read(i + prefetch));
    const decode = (bytes: Uint8Array | undefined) => bytes && direct!(bytes);
    const fast = direct && local ? await withChunkBytes(array.store, node.chunkKey(item.coords), decode) : decode(await ahead.shift());
    const data = fast || ((await readChunk(variable, item.coords)).data as FloatData);
    if (current?.id !== item.tile) {
      if (current) mergeTile(p, op, current.id, settle(current.tile, p.groups, p.layout));
      // A tile in the decoder's memory is merged (above) before the next one reuses it.
      current = { id: item.tile, tile: direct?.newTile?.(op, p.groups, p.layout) ?? newTile(op, p.groups, p.layout) };
    }
    accumulate(op, current.tile, p.groups, data, p.layout, index.subarray(item.tStart), item.steps, missing);
  }
  if (current) mergeTile(p, op, current.id, settle(current.tile, p.groups, p.layout));
}

/** Work items shared by the workers, handed out in order as each has room (balances a busy core). */
interface Queue {
  items: Plan["items"];
  next: number;
}

/** Runs one worker over items it takes from the shared queue, fetching bytes ahead of it. */
function drive(worker: Worker, variable: Variable, p: Plan, op: Reducer, queue: Queue, prefetch: number): Promise<void> {
  const { node } = variable.lazy!;
  const store = variable.lazy!.array.store;
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      queue.next = queue.items.length; // the other workers stop taking items
      worker.off("message", onMessage);
      reject(error);
    };
    const pump = () => {
      while (!failed && inFlight < prefetch && queue.next < queue.items.length) {
        const item = queue.items[queue.next++]!;
        inFlight++;
        const key = node.chunkKey(item.coords);
        // Where some chunks lie on disk (a local repository with inline chunks too), the worker reads those.
        (store.inner.locate ? store.inner.locate(key).catch(() => undefined) : Promise.resolve(undefined))
          .then(async (at) => {
            if (at && "path" in at) {
              const range = { offset: at.offset, length: at.length };
              worker.postMessage({ type: "chunk", key, ...item, bytes: null, file: at.path, range } satisfies ChunkMessage);
              return;
            }
            const got = at ? at.bytes : await store.get(`/${key}` as AbsolutePath);
            // Transferring detaches the buffer: copy, the store may still hold it.
            const bytes = got ? got.slice() : null;
            const message: ChunkMessage = { type: "chunk", key, ...item, bytes };
            worker.postMessage(message, bytes ? [bytes.buffer as ArrayBuffer] : []);
          })
          .catch((cause: unknown) => {
            const ctx = { variable: variable.name, key };
            fail(new ChunkError(`${where(ctx)}: cannot read (${(cause as Error).message})`, ctx, { cause }));
          });
      }
      if (!failed && inFlight === 0 && queue.next === queue.items.length) worker.postMessage({ type: "flush" });
    };
    const onMessage = (message: FromWorker) => {
      if (message.type === "tile") mergeTile(p, op, message.tile, { acc: message.acc, count: message.count });
      else if (message.type === "done") {
        inFlight--;
        pump();
      } else if (message.type === "error") {
        const ctx = { variable: variable.name, key: message.key };
        fail(new ChunkError(`${where(ctx)}: cannot decode (${message.message})`, ctx));
      } else if (message.type === "flushed") {
        worker.off("message", onMessage);
        worker.off("error", fail);
        resolve();
      }
    };
    worker.on("message", onMessage);
    worker.once("error", fail);
    pump();
  });
}

/**
 * Every item as a file (and byte range) on the local disk when workers can read them all themselves: a plain
 * folder, or a store that locates each chunk in a file (a local repository); else undefined.
 */
async function localChunks(variable: Variable, items: Plan["items"]): Promise<LocalChunk[] | undefined> {
  const { node } = variable.lazy!;
  const inner = variable.lazy!.array.store.inner;
  if (!(inner instanceof FileSystemStore) && !inner.locate) return undefined;
  const out: LocalChunk[] = [];
  for (const item of items) {
    const key = node.chunkKey(item.coords);
    if (inner instanceof FileSystemStore) {
      out.push({ ...item, key, file: inner.filePath(key) });
      continue;
    }
    // A chunk the store cannot place in a file (inline, virtual, never written) takes the per-chunk path.
    const at = await inner.locate!(key).catch(() => undefined);
    if (!at || !("path" in at)) return undefined;
    out.push({ ...item, key, file: at.path, range: { offset: at.offset, length: at.length } });
  }
  return out;
}

/** Runs one worker over local chunks it takes itself from a counter shared by all the workers. */
function claim(worker: Worker, variable: Variable, p: Plan, op: Reducer, message: ClaimMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (error: unknown) => {
      Atomics.store(message.next, 0, message.items.length); // the other workers take nothing more
      worker.off("message", onMessage);
      reject(error);
    };
    const onMessage = (m: FromWorker) => {
      if (m.type === "tile") mergeTile(p, op, m.tile, { acc: m.acc, count: m.count });
      else if (m.type === "error") {
        const ctx = { variable: variable.name, key: m.key };
        stop(new ChunkError(`${where(ctx)}: cannot read or decode (${m.message})`, ctx));
      } else if (m.type === "flushed") {
        worker.off("message", onMessage);
        worker.off("error", stop);
        resolve();
      }
    };
    worker.on("message", onMessage);
    worker.once("error", stop);
    worker.postMessage(message);
  });
}

/**
 * Reduces `variable` along `timeDim`, grouping steps by `index` (group per step, -1 to skip).
 * Returns float64 accumulators for the output shape (time axis replaced by the groups).
 */
export async function streamReduce(
  variable: Variable,
  timeDim: string,
  index: Int32Array,
  groups: number,
  op: Reducer,
  options: StreamOptions = {},
): Promise<{ tile: Tile; shape: number[] }> {
  if (!variable.lazy) throw new UnsupportedError(`variable "${variable.name}" is not backed by a store`, { variable: variable.name });
  const p = plan(variable, timeDim, groups, op);
  const missing = [...variable.encoding.missing];
  const sharded = variable.lazy.node.codecs.includes("sharding_indexed");
  const wanted = options.workers ?? options.pool?.size ?? 0;
  const count = sharded ? 0 : Math.min(wanted, p.items.length);
  if (count === 0) {
    await reduceHere(variable, p, op, index, missing, options.prefetch ?? 2);
    return { tile: p.out, shape: p.outShape };
  }
  const { createReducerPool } = await import("./pool.ts");
  const pool = options.pool ?? createReducerPool(count);
  const workers = await pool.acquire(count);
  const { node } = variable.lazy;
  const cf = needsDecoding(variable.encoding.cf) ? variable.encoding.cf : undefined;
  const init: InitMessage = { type: "init", format: node.format, path: node.path, docs: node.docs, op, groups, layout: p.layout, index, missing, cf };
  const queue: Queue = { items: p.items, next: 0 };
  const local = await localChunks(variable, p.items);
  const claims: ClaimMessage | undefined = local && { type: "claim", items: local, next: new Int32Array(new SharedArrayBuffer(4)) };
  let ok = false;
  try {
    await Promise.all(
      workers.map((w) => {
        w.postMessage(init);
        return claims ? claim(w, variable, p, op, claims) : drive(w, variable, p, op, queue, options.prefetch ?? 2);
      }),
    );
    ok = true;
  } finally {
    // A worker that failed mid-stream may hold queued chunks: replace it rather than reuse it.
    if (ok) pool.release(workers);
    else for (const w of workers) pool.discard(w);
    if (!options.pool) await pool.close();
  }
  return { tile: p.out, shape: p.outShape };
}
