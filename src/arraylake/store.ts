/**
 * @module The zarrita-facing store of a session: the library's `Store` with keys normalised (zarrita asks for
 * `/a/zarr.json`, Icechunk wants `a/zarr.json`), bytes passed as Buffers without copying, and a chunk that
 * cannot be read reported as a {@link ChunkReadError} for that key alone. A readonly session of a local
 * repository reads native and inline chunks straight from the repository's files (located through its
 * manifests, see local/chunk-index.ts): one read, no trip through the library's WebAssembly memory.
 */
import type { Store } from "@earthmover/icechunk";
import { ChunkIndex, type ChunkLocation } from "./local/chunk-index.ts";
import { readLocation } from "./local/read-location.ts";
import { ChunkReadError } from "./errors.ts";
import { icechunkMessage, translateIcechunkError } from "./translate.ts";

type RangeQuery = { offset: number; length: number } | { suffixLength: number };

const strip = (key: string): string => (key.startsWith("/") ? key.slice(1) : key);
const isMetadata = (key: string): boolean => /(^|\/)(zarr\.json|\.zarray|\.zgroup|\.zattrs|\.zmetadata)$/.test(key);
const asBuffer = (value: Uint8Array): Buffer =>
  Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

/** A zarrita `AsyncMutable` store over an Icechunk session store. `raw` is the library's own. */
export class SessionStore {
  readonly raw: Store;
  readonly #repo: string;
  /**
   * Memory handed out by `get`. The WASM binding maps such memory back to its own stale copy when it is passed in
   * again, so a chunk zarrita read, patched in place and wrote back (a partial-chunk write) would keep its old
   * values; `set` copies these (and only these) first.
   */
  readonly #handedOut = new WeakSet<ArrayBufferLike>();
  /** Chunk locations of the session's snapshot (readonly sessions of local repositories only). */
  readonly #index: (() => Promise<ChunkIndex | undefined>) | undefined;

  /** `local` is the folder and pinned snapshot of a readonly session of a local repository. */
  constructor(raw: Store, repo: string, local?: { root: string; snapshotId: string }) {
    this.raw = raw;
    this.#repo = repo;
    if (local) {
      let index: Promise<ChunkIndex | undefined> | undefined;
      this.#index = () => (index ??= ChunkIndex.open(local.root, local.snapshotId));
    }
  }

  /**
   * Where a chunk's bytes are on disk (a file range) or the bytes themselves (inline chunks); undefined when
   * only the library can read it (virtual chunks, writable or remote sessions, metadata). Workers use it to
   * read chunks themselves.
   */
  async locate(key: string): Promise<ChunkLocation | undefined> {
    const k = strip(key);
    if (!this.#index || isMetadata(k)) return undefined;
    return (await this.#index())?.locate(k);
  }

  #fail(key: string, error: unknown): never {
    if (isMetadata(key)) throw translateIcechunkError(error, { repo: this.#repo, operation: `read "${key}"` });
    throw new ChunkReadError(key, icechunkMessage(error), { cause: error });
  }

  #track(value: Uint8Array | null | undefined): Uint8Array | undefined {
    if (!value) return undefined;
    this.#handedOut.add(value.buffer);
    return value;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const k = strip(key);
    // Metadata of a pinned snapshot is in the snapshot file (the same bytes the library serves).
    const meta = this.#index && isMetadata(k) ? (await this.#index().catch(() => undefined))?.metadata(k) : undefined;
    if (meta) return this.#track(meta);
    const at = await this.locate(k).catch(() => undefined);
    // A file that cannot be read as the manifest says falls through to the library, which reports it.
    const direct = at && (await readLocation(at).catch(() => undefined));
    if (direct) return direct;
    try {
      return this.#track(await this.raw.get(k));
    } catch (error) {
      this.#fail(k, error);
    }
  }

  async getRange(key: string, range: RangeQuery): Promise<Uint8Array | undefined> {
    const k = strip(key);
    try {
      return this.#track(await this.raw.getRange(k, range));
    } catch (error) {
      this.#fail(k, error);
    }
  }

  async has(key: string): Promise<boolean> {
    return this.raw.exists(strip(key));
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    const k = strip(key);
    try {
      await this.raw.set(k, this.#handedOut.has(value.buffer) ? Buffer.from(value) : asBuffer(value));
    } catch (error) {
      throw translateIcechunkError(error, { repo: this.#repo, operation: `write "${k}"` });
    }
  }

  async delete(key: string): Promise<boolean> {
    await this.raw.delete(strip(key));
    return true;
  }

  /** Every key in the session, without a leading slash. */
  async list(prefix = ""): Promise<string[]> {
    const p = strip(prefix);
    return p ? this.raw.listPrefix(p) : this.raw.list();
  }

  /** Immediate children of a folder-like prefix (names ending in "/" are groups or arrays). */
  async listDir(prefix: string): Promise<string[]> {
    return this.raw.listDir(strip(prefix));
  }
}
