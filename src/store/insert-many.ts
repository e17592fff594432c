/** @module Multi-row INSERT for append-only rows: one statement per chunk instead of per row (the hot path). */
import type { SqlHandle } from "./open-store.ts";

const CHUNK = 100;

export interface RowSpec<T> {
  /** `INSERT INTO t (a, b, c)`; the VALUES list is appended here. */
  head: string;
  width: number;
  /** Pushes the row's `width` values onto `out`. */
  bind(item: T, out: unknown[]): void;
}

/**
 * Inserts `items` (in order) in chunks. When a chunk fails (e.g. a foreign key), its rows are retried one by one
 * so only the failing ones are reported through `onError`.
 */
export function insertMany<T>(
  sql: SqlHandle,
  spec: RowSpec<T>,
  items: readonly T[],
  onError: (item: T, cause: unknown) => void,
): void {
  if (items.length === 0) return;
  const tuple = `(${Array.from({ length: spec.width }, () => "?").join(", ")})`;
  const many = sql.stmt(`${spec.head} VALUES ${Array.from({ length: CHUNK }, () => tuple).join(", ")}`);
  const one = sql.stmt(`${spec.head} VALUES ${tuple}`);
  const args: unknown[] = [];
  let i = 0;
  for (; i + CHUNK <= items.length; i += CHUNK) {
    args.length = 0;
    for (let j = i; j < i + CHUNK; j++) spec.bind(items[j]!, args);
    try {
      many.run(args);
    } catch {
      insertOneByOne(one, spec, items.slice(i, i + CHUNK), onError);
    }
  }
  insertOneByOne(one, spec, items.slice(i), onError);
}

function insertOneByOne<T>(
  one: { run(args: unknown[]): unknown },
  spec: RowSpec<T>,
  items: readonly T[],
  onError: (item: T, cause: unknown) => void,
): void {
  const args: unknown[] = [];
  for (const item of items) {
    args.length = 0;
    spec.bind(item, args);
    try {
      one.run(args);
    } catch (cause) {
      onError(item, cause);
    }
  }
}
