/** @module Multi-row INSERT for append-only rows: one statement per chunk instead of per row (the hot path). */
import type { SqlHandle } from "./open-store.ts";

const CHUNK = 100;

export interface RowSpec<T> {
  /** `INSERT INTO t (a, b, c)`; the VALUES list is appended here. */
  head: string;
  /** Appended after the VALUES list, e.g. `ON CONFLICT (a) DO NOTHING`. */
  tail?: string;
  width: number;
  /** Pushes the row's `width` values onto `out`. */
  bind(item: T, out: unknown[]): void;
}

/**
 * Inserts `items` (in order) in chunks. When a chunk fails (e.g. a foreign key), its rows are retried one by one
 * so only the failing ones are reported through `onError`. Returns the number of rows inserted.
 */
export function insertMany<T>(
  sql: SqlHandle,
  spec: RowSpec<T>,
  items: readonly T[],
  onError: (item: T, cause: unknown) => void,
): number {
  if (items.length === 0) return 0;
  const tuple = `(${Array.from({ length: spec.width }, () => "?").join(", ")})`;
  const tail = spec.tail ? ` ${spec.tail}` : "";
  const one = sql.stmt(`${spec.head} VALUES ${tuple}${tail}`);
  const args: unknown[] = [];
  let inserted = 0;
  let i = 0;
  if (items.length >= CHUNK) {
    const many = sql.stmt(`${spec.head} VALUES ${Array.from({ length: CHUNK }, () => tuple).join(", ")}${tail}`);
    for (; i + CHUNK <= items.length; i += CHUNK) {
      args.length = 0;
      for (let j = i; j < i + CHUNK; j++) spec.bind(items[j]!, args);
      try {
        inserted += many.run(args).changes;
      } catch {
        inserted += insertOneByOne(one, spec, items.slice(i, i + CHUNK), onError);
      }
    }
  }
  return inserted + insertOneByOne(one, spec, items.slice(i), onError);
}

function insertOneByOne<T>(
  one: { run(args: unknown[]): { changes: number } },
  spec: RowSpec<T>,
  items: readonly T[],
  onError: (item: T, cause: unknown) => void,
): number {
  const args: unknown[] = [];
  let inserted = 0;
  for (const item of items) {
    args.length = 0;
    spec.bind(item, args);
    try {
      inserted += one.run(args).changes;
    } catch (cause) {
      onError(item, cause);
    }
  }
  return inserted;
}
