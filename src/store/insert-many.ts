/** @module Multi-row INSERT for append-only rows: one statement per chunk instead of per row (the hot path). */
import type { SqlHandle } from "./open-store.ts";

/** Rows per statement: big chunks first, then small ones, so a batch of any size needs few statements. */
export const CHUNKS: readonly number[] = [100, 10, 1];

/** `(?, ?), (?, ?)` for `n` rows of `width` values. */
export const tuples = (width: number, n: number): string => {
  const one = `(${"?, ".repeat(width - 1)}?)`;
  return `${one}, `.repeat(n - 1) + one;
};

/** Splits `total` rows into statement sizes from CHUNKS, largest first. */
export function chunkSizes(total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  for (const size of CHUNKS) {
    for (; left >= size; left -= size) sizes.push(size);
  }
  return sizes;
}

export interface RowSpec<T> {
  /** The statement text for each chunk size (see `rowTexts`). */
  texts: ReadonlyMap<number, string>;
  /** Pushes the row's values onto `out`. */
  bind(item: T, out: unknown[]): void;
}

/**
 * Statement texts for every chunk size, built once per table.
 * @example rowTexts("INSERT INTO t (a, b)", 2, "ON CONFLICT (a) DO NOTHING")
 */
export function rowTexts(head: string, width: number, tail = ""): ReadonlyMap<number, string> {
  return new Map(CHUNKS.map((n) => [n, `${head} VALUES ${tuples(width, n)}${tail ? ` ${tail}` : ""}`]));
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
  const args: unknown[] = [];
  let inserted = 0;
  let at = 0;
  for (const n of chunkSizes(items.length)) {
    args.length = 0;
    for (let j = at; j < at + n; j++) spec.bind(items[j]!, args);
    const stmt = sql.stmt(spec.texts.get(n)!);
    try {
      inserted += stmt.run(...args).changes; // spread: better-sqlite3 binds arguments faster than array items
    } catch (cause) {
      // A failed statement changed nothing: retry its rows one by one so only the failing ones are reported.
      if (n === 1) onError(items[at]!, cause);
      else inserted += insertOneByOne(sql.stmt(spec.texts.get(1)!), spec, items.slice(at, at + n), onError);
    }
    at += n;
  }
  return inserted;
}

function insertOneByOne<T>(
  one: { run(...args: unknown[]): { changes: number } },
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
      inserted += one.run(...args).changes;
    } catch (cause) {
      onError(item, cause);
    }
  }
  return inserted;
}
