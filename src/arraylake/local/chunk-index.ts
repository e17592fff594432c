/**
 * @module Where a chunk of a committed snapshot of a local repository lives, read from Icechunk's own snapshot
 * and manifest files (format: `icechunk-format/flatbuffers/*.fbs`, spec 1 and 2). A chunk written by Icechunk
 * is a plain object file `chunks/<id>` holding exactly the bytes zarr decodes, so readers can take it straight
 * from disk instead of through the library (whose WebAssembly build copies every byte twice). Only native and
 * inline chunks are located; anything else (virtual chunks, unknown versions, keys it cannot parse) is
 * `undefined` and callers ask Icechunk.
 */
import { open } from "node:fs/promises";
import { join } from "node:path";
import { FbTable } from "./flatbuffer.ts";

/** A chunk's bytes: `length` bytes at `offset` of `path`, or the bytes themselves (inline chunks). */
export type ChunkLocation = { path: string; offset: number; length: number } | { bytes: Uint8Array };

const MAGIC = Buffer.from("ICE🧊CHUNK", "utf8");
const HEADER = MAGIC.length + 24 + 3; // magic, implementation name, spec version, file type, compression
const FILE_TYPE = { snapshot: 1, manifest: 2 } as const;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// Snapshot fields: nodes = 2. NodeSnapshot: id 0, path 1, user_data 2, node_data type 3 / value 4.
// ArrayNodeData: manifests 2. ManifestRef: object_id 0, extents 1. Manifest: arrays 1.
// ArrayManifest: node_id 0, refs 1. ChunkRef: index 0, inline 1, offset 2, length 3, chunk_id 4.
const NODE_DATA_ARRAY = 1;

/** Icechunk's object ids as file names: Crockford base32, no padding. */
export function objectIdName(id: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of id) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return bits > 0 ? out + CROCKFORD[(value << (5 - bits)) & 31] : out;
}

async function readAll(path: string): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The flatbuffer inside one of Icechunk's binary files, or undefined for a header this reader does not know. */
async function loadRoot(path: string, fileType: number): Promise<FbTable | undefined> {
  const file = await readAll(path);
  if (file.length < HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const [spec, type, compression] = [file[HEADER - 3]!, file[HEADER - 2]!, file[HEADER - 1]!];
  if ((spec !== 1 && spec !== 2) || type !== fileType || compression > 1) return undefined;
  const body = file.subarray(HEADER);
  if (compression === 0) return FbTable.root(body);
  const Zstd = (await import("numcodecs/zstd")).default;
  return FbTable.root(await new Zstd().decode(body));
}

function compareIndex(t: FbTable, want: readonly number[]): number {
  const v = t.vector(0)!;
  const n = Math.min(v.length, want.length);
  for (let k = 0; k < n; k++) {
    const d = t.view.getUint32(v.start + 4 * k, true) - want[k]!;
    if (d !== 0) return d;
  }
  return v.length - want.length;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface ArrayEntry {
  nodeId: Uint8Array;
  /** Manifest id name and its extents (from, to per dimension). */
  manifests: { name: string; extents: Array<[number, number]> }[];
}

/**
 * The chunk locations of one snapshot of the repository folder `root`. Snapshot and manifests are read once
 * and kept (they are immutable).
 * @example
 * const index = await ChunkIndex.open("/data/repos/acme/climate", session.snapshotId);
 * const where = await index?.locate("t2m/c/3/0/0"); // { path: ".../chunks/QRJ4...", offset: 0, length: 18921600 }
 */
export class ChunkIndex {
  readonly root: string;
  readonly #arrays: Map<string, ArrayEntry>;
  /** Each node's zarr.json, as the snapshot holds it (the bytes the library serves). */
  readonly #metadata: Map<string, Uint8Array>;
  readonly #manifests = new Map<string, Promise<FbTable | undefined>>();

  private constructor(root: string, arrays: Map<string, ArrayEntry>, metadata: Map<string, Uint8Array>) {
    this.root = root;
    this.#arrays = arrays;
    this.#metadata = metadata;
  }

  /** A node's `zarr.json` (`path/zarr.json`), or undefined for any other key or a node the snapshot lacks. */
  metadata(key: string): Uint8Array | undefined {
    const k = key.replace(/^\//, "");
    if (k !== "zarr.json" && !k.endsWith("/zarr.json")) return undefined;
    return this.#metadata.get(`/${k.slice(0, -"zarr.json".length).replace(/\/$/, "")}`)?.slice();
  }

  /** Undefined when the snapshot file is missing or in a format this reader does not know. */
  static async open(root: string, snapshotId: string): Promise<ChunkIndex | undefined> {
    const snapshot = await loadRoot(join(root, "snapshots", snapshotId), FILE_TYPE.snapshot).catch(() => undefined);
    const nodes = snapshot?.vector(2);
    if (!snapshot || !nodes) return undefined;
    const arrays = new Map<string, ArrayEntry>();
    const metadata = new Map<string, Uint8Array>();
    for (let k = 0; k < nodes.length; k++) {
      const node = snapshot.tableAt(nodes.start, k);
      const userData = node.bytes(2);
      if (userData) metadata.set(node.string(1)!, userData);
      const data = node.u8(3) === NODE_DATA_ARRAY ? node.table(4) : undefined;
      const refs = data?.vector(2);
      if (!data || !refs) continue;
      const manifests: ArrayEntry["manifests"] = [];
      for (let m = 0; m < refs.length; m++) {
        const ref = data.tableAt(refs.start, m);
        const ext = ref.vector(1)!;
        const extents: Array<[number, number]> = [];
        for (let d = 0; d < ext.length; d++) {
          const at = ext.start + 8 * d;
          extents.push([ref.view.getUint32(at, true), ref.view.getUint32(at + 4, true)]);
        }
        manifests.push({ name: objectIdName(ref.struct(0, 12)!), extents });
      }
      arrays.set(node.string(1)!, { nodeId: node.struct(0, 8)!.slice(), manifests });
    }
    return new ChunkIndex(root, arrays, metadata);
  }

  /** Where the chunk behind a zarr key (`path/c/i/j/k`) is, or undefined when Icechunk must be asked. */
  async locate(key: string): Promise<ChunkLocation | undefined> {
    const parsed = /^\/?(?:(.*)\/)?c((?:\/\d+)*)$/.exec(key);
    if (!parsed) return undefined;
    const array = this.#arrays.get(`/${parsed[1] ?? ""}`);
    const index = parsed[2] ? parsed[2].slice(1).split("/").map(Number) : [];
    const manifest = array?.manifests.find((m) => m.extents.length === index.length && m.extents.every(([from, to], d) => index[d]! >= from && index[d]! < to));
    if (!array || !manifest) return undefined;
    const root = await this.#manifest(manifest.name);
    const ref = root && findRef(root, array.nodeId, index);
    if (!ref) return undefined;
    const inline = ref.bytes(1);
    if (inline) return { bytes: inline };
    const chunkId = ref.struct(4, 12);
    if (!chunkId) return undefined; // virtual: the library knows how to fetch it
    return { path: join(this.root, "chunks", objectIdName(chunkId)), offset: ref.u64(2), length: ref.u64(3) };
  }

  #manifest(name: string): Promise<FbTable | undefined> {
    let got = this.#manifests.get(name);
    if (!got) {
      got = loadRoot(join(this.root, "manifests", name), FILE_TYPE.manifest).catch(() => undefined);
      this.#manifests.set(name, got);
    }
    return got;
  }
}

/** The chunk ref of `index` in the array `nodeId` of a manifest (refs are sorted by index). */
function findRef(manifest: FbTable, nodeId: Uint8Array, index: number[]): FbTable | undefined {
  const arrays = manifest.vector(1);
  if (!arrays) return undefined;
  for (let a = 0; a < arrays.length; a++) {
    const entry = manifest.tableAt(arrays.start, a);
    if (!sameBytes(entry.struct(0, 8)!, nodeId)) continue;
    const refs = entry.vector(1)!;
    let lo = 0;
    let hi = refs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const ref = entry.tableAt(refs.start, mid);
      const c = compareIndex(ref, index);
      if (c === 0) return ref;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
  return undefined;
}
