/** @module A byte-bounded LRU of rendered quick looks, keyed by snapshot id and slice (never by a ref name). */
import type { QuickLook } from "./types.ts";

export interface QuickLookCache {
  get(key: string): QuickLook | undefined;
  set(key: string, value: QuickLook): void;
  readonly size: number;
}

/**
 * @example
 * const cache = createQuickLookCache(64 * 2 ** 20);
 */
export function createQuickLookCache(maxBytes: number): QuickLookCache {
  const entries = new Map<string, QuickLook>();
  let bytes = 0;
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        // Re-inserting moves the entry to the young end of the Map's order.
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, value) {
      if (value.bytes.byteLength > maxBytes) return;
      const old = entries.get(key);
      if (old) bytes -= old.bytes.byteLength;
      entries.delete(key);
      entries.set(key, value);
      bytes += value.bytes.byteLength;
      for (const [k, v] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(k);
        bytes -= v.bytes.byteLength;
      }
    },
    get size() {
      return entries.size;
    },
  };
}

export function cacheKey(repo: string, snapshotId: string, baseSnapshotId: string | null, array: string, index: Record<string, number>): string {
  const slice = Object.entries(index).sort(([a], [b]) => (a < b ? -1 : 1)).map(([d, i]) => `${d}=${i}`).join(",");
  return [repo, snapshotId, baseSnapshotId ?? "", array, slice].join("\u0000");
}
