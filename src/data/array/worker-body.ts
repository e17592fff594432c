/**
 * @module The array side of a pool worker (bundled with reduce-worker.mjs by worker-build.ts): evaluates
 * blocks of plans posted by parallel.ts. Stored chunks come from a local folder read here, or from the main
 * thread by key; they are decoded with zarrita and CF-decoded as `readChunk` does.
 */
import { join } from "node:path";
import { parentPort } from "node:worker_threads";
import * as zarr from "zarrita";
import { decodeCF, needsDecoding, type NumericArray } from "../cf-codec.mjs";
import type { Variable } from "../dataset.ts";
import { readChunkFile, sharedDecoder } from "../thread-decoders.ts";
import { type Json, arrayNode } from "../metadata.ts";
import { asUint16Docs, widenChunk } from "../float16.ts";
import { type ChunkReader, type DecodedChunk, createEvaluator } from "./evaluate.ts";
import { blockPool } from "./block-pool.ts";
import type { PlanNode, Region } from "./plan.ts";
import type { WireStored, WireValues } from "./wire.ts";

export type ToArrayWorker =
  | { type: "block"; id: number; plan: PlanNode; region: Region }
  | { type: "bytes"; rid: number; bytes: Uint8Array | null; error?: string; located?: FileRange };

/** Where a chunk lies in a local file (a local repository's chunk file): the worker reads it itself. */
export interface FileRange {
  readonly file: string;
  readonly offset: number;
  readonly length: number;
}
export type FromArrayWorker =
  | { type: "block-done"; id: number; values: Float64Array }
  | { type: "block-error"; id: number; message: string; key?: string | undefined }
  | { type: "need"; rid: number; id: number; key: string };

const encoder = new TextEncoder();

/** Starts answering block messages on `port` (messages of the reduction protocol are left alone). */
export function serveArrays(port: NonNullable<typeof parentPort>): void {
  const waiting = new Map<number, { resolve: (b: Uint8Array | FileRange | null) => void; reject: (e: Error) => void }>();
  let rid = 0;
  // Inner blocks reused from one block message to the next (results are transferred, never given back).
  const blocks = blockPool(6); // kept from one message to the next: fewer than an evaluation keeps
  // The direct-decode path of each worker-side stored variable (chunks lent from reused memory).
  const lenders = new WeakMap<Variable, (coords: readonly number[], use: (chunk: DecodedChunk) => void) => Promise<void>>();
  const ask = (id: number, key: string): Promise<Uint8Array | FileRange | null> =>
    new Promise((resolve, reject) => {
      waiting.set(++rid, { resolve, reject });
      port.postMessage({ type: "need", rid, id, key } satisfies FromArrayWorker);
    });

  /** A worker-side variable reading one stored array: bytes, zarrita decode, CF decode. */
  const storedVariable = (w: WireStored, source: PlanNode): Variable => {
    const main = w.docs[`/${w.path ? `${w.path}/` : ""}${w.format === 3 ? "zarr.json" : ".zarray"}`] as Json;
    const attrs = w.docs[`/${w.path ? `${w.path}/` : ""}.zattrs`] as Json | undefined;
    const node = arrayNode(w.path, main, attrs);
    const docs = node.dtype === "float16" ? asUint16Docs(w.docs) : w.docs;
    const memory = new Map<string, Uint8Array>(Object.entries(docs).map(([k, v]) => [k, encoder.encode(JSON.stringify(v))]));
    const array = (w.format === 3 ? zarr.open.v3 : zarr.open.v2)(new zarr.Location(memory, `/${w.path}`), { kind: "array" });
    // Floats as xarray writes them decode without zarrita (direct.mjs), copied out of the decoder's memory.
    const direct = w.cf || node.codecs.includes("sharding_indexed") ? undefined : sharedDecoder(w.docs);
    const stride = node.chunks.map((_, i) => node.chunks.slice(i + 1).reduce((a, b) => a * b, 1));
    /** zarrita's pipeline and CF decoding, for what the direct path declines. */
    const slow = async (coords: readonly number[], key: string, bytes: Uint8Array | null): Promise<zarr.Chunk<zarr.DataType>> => {
      const arr = await array;
      if (bytes) memory.set(`/${key}`, bytes);
      try {
        const read = await arr.getChunk([...coords]);
        const chunk = node.dtype === "float16" ? widenChunk(read) : read;
        const data = w.cf && needsDecoding(w.cf) ? decodeCF(w.cf, chunk.data as NumericArray) : chunk.data;
        return { ...chunk, data } as zarr.Chunk<zarr.DataType>;
      } catch (cause) {
        throw Object.assign(new Error(`cannot decode (${(cause as Error).message})`), { key });
      } finally {
        memory.delete(`/${key}`);
      }
    };
    /** Lends the decoded chunk to `use`: straight from the direct decoder's reused memory when it can. */
    const lend = async (coords: readonly number[], use: (chunk: DecodedChunk) => void): Promise<void> => {
      const key = node.chunkKey(coords);
      const decoder = await direct;
      // A local file is read into this thread's reused buffer and decoded at once (no await in between).
      // A local repository's chunk comes back as its file range, read here like a folder's file.
      const got = w.root ? null : await ask(w.id, key);
      const inFile = w.root !== undefined || (got !== null && !(got instanceof Uint8Array));
      const bytes = w.root ? readChunkFile(join(w.root, ...key.split("/"))) : got instanceof Uint8Array || got === null ? got : readLocated(got, key);
      const fast = bytes && decoder?.(bytes);
      if (fast && fast.length === node.chunks.reduce((a, b) => a * b, 1)) return use({ data: fast, stride });
      // zarrita keeps the bytes across awaits: its own copy of a reused buffer.
      const chunk = await slow(coords, key, inFile && bytes ? bytes.slice() : bytes);
      use({ data: chunk.data as ArrayLike<number>, stride: chunk.stride });
    };
    const read = async (coords: readonly number[]): Promise<zarr.Chunk<zarr.DataType>> => {
      let copy: zarr.Chunk<zarr.DataType> | undefined;
      await lend(coords, (c) => (copy = { data: (c.data as Float32Array).slice(), shape: node.chunks, stride: c.stride } as unknown as zarr.Chunk<zarr.DataType>));
      return copy!;
    };
    const encoding = { missing: w.missing, ...(w.cf && needsDecoding(w.cf) ? { cf: w.cf } : {}) };
    const variable: Variable = { name: w.name, dims: source.dims, shape: source.shape, dtype: source.dtype, attrs: {}, encoding, generated: { chunks: node.chunks, read } };
    lenders.set(variable, lend);
    return variable;
  };

  /** The plan with worker-side sources (each stored array opened once per plan). */
  const localise = (plan: PlanNode): PlanNode => {
    const done = new Map<PlanNode, PlanNode>();
    const visit = (n: PlanNode): PlanNode => {
      let out = done.get(n);
      if (out) return out;
      if (n.op === "source") {
        const wire = (n.params as { wire: WireStored | WireValues }).wire;
        out = { ...n, params: { variable: wire.kind === "values" ? wire.variable : storedVariable(wire, n) } };
      } else out = { ...n, inputs: n.inputs.map(visit) };
      done.set(n, out);
      return out;
    };
    return visit(plan);
  };

  const reader: ChunkReader = {
    read: async (v, coords) => {
      const chunk = await v.generated!.read(coords);
      return { data: chunk.data as ArrayLike<number>, stride: chunk.stride };
    },
    lend: async (v, coords, use) => {
      const lend = lenders.get(v);
      if (lend) return lend(coords, use);
      use(await reader.read(v, coords));
    },
  };

  port.on("message", (message: { type: string }) => {
    if (message.type === "bytes") {
      const m = message as Extract<ToArrayWorker, { type: "bytes" }>;
      const w = waiting.get(m.rid);
      waiting.delete(m.rid);
      if (m.error) w?.reject(new Error(m.error));
      else w?.resolve(m.located ?? m.bytes);
      return;
    }
    if (message.type !== "block") return;
    const { id, plan, region } = message as Extract<ToArrayWorker, { type: "block" }>;
    const ev = createEvaluator({ reader, blocks });
    ev.evaluate(localise(plan), region).then(
      (values) => port.postMessage({ type: "block-done", id, values } satisfies FromArrayWorker, [values.buffer as ArrayBuffer]),
      (error: Error & { key?: string }) => port.postMessage({ type: "block-error", id, message: error.message, key: error.key } satisfies FromArrayWorker),
    );
  });
}

/** A located chunk read into this thread's buffer; a file the manifest names but the disk lost fails naming the chunk. */
function readLocated(at: FileRange, key: string): Uint8Array | null {
  try {
    return readChunkFile(at.file, at);
  } catch (cause) {
    throw Object.assign(new Error(`cannot read (${(cause as Error).message})`), { key });
  }
}
