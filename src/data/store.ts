/**
 * @module Stores: a filesystem store for plain Zarr folders, and a wrapper that makes any zarrita store hand
 * back standalone buffers. zarrita's vlen-utf8 decoder reads `bytes.buffer` from offset 0, so a view into a
 * larger buffer (Node's pooled `Buffer`s, Icechunk results) decodes garbage strings.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { mkdir, readdir, writeFile, open as openFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { AbsolutePath, RangeQuery } from "zarrita";

/** The store interface floe needs: zarrita's async readable, optionally writable and listable. */
export interface DataStore {
  get(key: AbsolutePath): Promise<Uint8Array | undefined | null> | Uint8Array | undefined | null;
  getRange?(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined | null>;
  set?(key: AbsolutePath, value: Uint8Array): Promise<void> | void;
  /** Names directly under `prefix` (no leading slash, e.g. `xarray/ocean-temp/`). */
  listDir?(prefix: string): Promise<string[]>;
  /**
   * Where a chunk's bytes lie on the local disk (a file range) or the bytes themselves; undefined when only
   * `get` can read it. Lets workers read chunks themselves (Icechunk sessions of local repositories have it).
   */
  locate?(key: string): Promise<ChunkLocation | undefined>;
}

/** A chunk found without reading it through the store: `length` bytes at `offset` of `path`, or its bytes. */
export type ChunkLocation = { path: string; offset: number; length: number } | { bytes: Uint8Array };

/** A store floe's readers and writers use: async, never returns views or `null`. */
export interface StandaloneStore {
  get(key: AbsolutePath): Promise<Uint8Array | undefined>;
  getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined>;
  set(key: AbsolutePath, value: Uint8Array): Promise<void>;
  listDir?(prefix: string): Promise<string[]>;
  readonly inner: DataStore;
}

/** Copies a view into its own `ArrayBuffer`; plain `Uint8Array`, never a `Buffer` (whose `slice` shares memory). */
export function standalone(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !Buffer.isBuffer(bytes)) {
    return bytes;
  }
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Uint8Array(bytes.buffer as ArrayBuffer, 0, bytes.byteLength);
  }
  return new Uint8Array(bytes);
}

/**
 * Wraps any zarrita store so results are standalone and `null` becomes `undefined`.
 * @example
 * const store = withStandaloneBuffers(session.store);
 */
export function withStandaloneBuffers(store: DataStore): StandaloneStore {
  if (isStandalone(store)) return store;
  const wrapped: StandaloneStore = {
    inner: store,
    async get(key) {
      const bytes = await store.get(key);
      return bytes ? standalone(bytes) : undefined;
    },
    async getRange(key, range) {
      if (store.getRange) {
        const bytes = await store.getRange(key, range);
        return bytes ? standalone(bytes) : undefined;
      }
      const whole = await store.get(key);
      if (!whole) return undefined;
      const part =
        "suffixLength" in range
          ? whole.subarray(whole.byteLength - range.suffixLength)
          : whole.subarray(range.offset, range.offset + range.length);
      return new Uint8Array(part);
    },
    async set(key, value) {
      if (!store.set) throw new TypeError(`store is read-only; cannot write "${key}"`);
      await store.set(key, value);
    },
  };
  if (store.listDir) wrapped.listDir = (prefix) => store.listDir!(prefix);
  return wrapped;
}

function isStandalone(store: DataStore): store is StandaloneStore {
  return "inner" in store && typeof (store as { getRange?: unknown }).getRange === "function";
}

/** Is this error "no such file or directory"? */
const isMissing = (error: unknown): boolean =>
  typeof error === "object" && error !== null && ["ENOENT", "ENOTDIR"].includes((error as { code?: string }).code ?? "");

/**
 * A plain Zarr folder on disk (v2 or v3), readable, writable and listable.
 * @example
 * const store = new FileSystemStore("/data/ocean.zarr");
 * const ds = await openDataset(store);
 */
export class FileSystemStore implements StandaloneStore {
  readonly root: string;
  readonly inner: DataStore = this;
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file holding a key (reduction workers read local chunks themselves). */
  filePath(key: string): string {
    return join(this.root, ...key.split("/").filter(Boolean));
  }

  /** The key's file opened for reading, or undefined when there is none. */
  async #open(key: AbsolutePath) {
    try {
      return await openFile(this.filePath(key), "r");
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    // Synchronous: a chunk from the page cache reads in well under a millisecond (less than decoding it), while
    // open, stat, read and close through the thread pool were four hand-offs per chunk, waits on a busy machine.
    let fd: number;
    try {
      fd = openSync(this.filePath(key), "r");
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      const size = fstatSync(fd).size;
      // Not zero-filled (the read overwrites it): a plain Uint8Array over its own, never pooled, buffer.
      const out = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
      let at = 0;
      while (at < size) {
        const n = readSync(fd, out, at, size - at, at);
        if (n === 0) break;
        at += n;
      }
      return at === size ? out : out.slice(0, at);
    } finally {
      closeSync(fd);
    }
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    const handle = await this.#open(key);
    if (!handle) return undefined;
    try {
      const size = (await handle.stat()).size;
      const [offset, length] =
        "suffixLength" in range ? [Math.max(0, size - range.suffixLength), Math.min(size, range.suffixLength)] : [range.offset, range.length];
      const out = new Uint8Array(length);
      const { bytesRead } = await handle.read(out, 0, length, offset);
      return bytesRead === length ? out : out.slice(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    const path = this.filePath(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, value);
  }

  async listDir(prefix: string): Promise<string[]> {
    try {
      return (await readdir(this.filePath(prefix))).sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }
}
