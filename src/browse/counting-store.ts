/**
 * @module A store wrapper that counts the bytes it hands out (what a quick look really read), and hides
 * consolidated metadata: a group's consolidated list goes stale when arrays are added later without
 * re-consolidating, and the browser must show what the snapshot really holds (Icechunk lists cheaply).
 */
import type { DataStore } from "../data/index.ts";

export interface CountingStore extends DataStore {
  readonly bytes: { read: number };
}

export function countingStore(inner: DataStore): CountingStore {
  const bytes = { read: 0 };
  const count = (value: Uint8Array | undefined | null): Uint8Array | undefined => {
    if (value) bytes.read += value.byteLength;
    return value ?? undefined;
  };
  const store: CountingStore = {
    bytes,
    get: async (key) => count(key.endsWith("/zarr.json") ? withoutConsolidated(await inner.get(key)) : await inner.get(key)),
    ...(inner.getRange ? { getRange: async (key, range) => count(await inner.getRange!(key, range)) } : {}),
    ...(inner.listDir ? { listDir: (prefix: string) => inner.listDir!(prefix) } : {}),
  };
  return store;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function withoutConsolidated(bytes: Uint8Array | undefined | null): Uint8Array | undefined {
  if (!bytes) return undefined;
  const text = decoder.decode(bytes);
  if (!text.includes('"consolidated_metadata"')) return bytes;
  const doc = JSON.parse(text) as Record<string, unknown>;
  delete doc.consolidated_metadata;
  return encoder.encode(JSON.stringify(doc));
}
