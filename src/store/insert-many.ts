/** @module Multi-row INSERT for append-only rows: one statement per chunk instead of per row (the hot path). */
import type { Sql } from "./sql.ts";

/** Rows per statement: big chunks first, then small ones, so a batch of any size needs few statements. */
export const CHUNKS: readonly number[] = [100, 10, 1];

/** `(?, ?), (?, ?)` for `n` rows of `width` values, or `n` copies of the row template `width`. */
export const tuples = (width: number | string, n: number): string => {
  const one = typeof width === "string" ? width : `(${"?, ".repeat(width - 1)}?)`;
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
export async function insertMany<T>(
  sql: Sql,
  spec: RowSpec<T>,
  items: readonly T[],
  onError: (item: T, cause: unknown) => void,
): Promise<number> {
  let inserted = 0;
  let at = 0;
  for (const n of chunkSizes(items.length)) {
    const args: unknown[] = [];
    for (let j = at; j < at + n; j++) spec.bind(items[j]!, args);
    try {
      inserted += await sql.guard((g) => g.run(spec.texts.get(n)!, args));
    } catch (cause) {
      // A failed statement changed nothing: retry its rows one by one so only the failing ones are reported.
      if (n === 1) onError(items[at]!, cause);
      else inserted += await insertOneByOne(sql, spec, items.slice(at, at + n), onError);
    }
    at += n;
  }
  return inserted;
}

async function insertOneByOne<T>(
  sql: Sql,
  spec: RowSpec<T>,
  items: readonly T[],
  onError: (item: T, cause: unknown) => void,
): Promise<number> {
  const text = spec.texts.get(1)!;
  let inserted = 0;
  for (const item of items) {
    const args: unknown[] = [];
    spec.bind(item, args);
    try {
      inserted += await sql.guard((g) => g.run(text, args));
    } catch (cause) {
      onError(item, cause);
    }
  }
  return inserted;
}
