/**
 * @module `Sql`: the asynchronous statement executor every store operation is written against, once, for both
 * adapters (sqlite/, postgres/). Statements use `?` placeholders; the PostgreSQL adapter numbers them.
 * Why asynchronous: see ARCHITECTURE.md.
 */

export type Dialect = "sqlite" | "postgres";

export interface Sql {
  readonly dialect: Dialect;
  /** Every row of a query. */
  all<T>(text: string, args?: readonly unknown[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T>(text: string, args?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(text: string, args?: readonly unknown[]): Promise<number>;
  /**
   * Runs `fn` in one transaction (a savepoint when nested) with the executor to use inside it; commits when it
   * resolves, rolls back when it rejects. Inside, use only the executor passed to `fn`.
   */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` so that a statement failing inside it undoes only `fn`'s own writes and the transaction goes on (for
   * batches that report failures per row): a savepoint on PostgreSQL; on SQLite a failed statement already
   * changes nothing.
   */
  guard<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Serialises writers on `key` until the transaction ends (SQLite's writers are serialised already). */
  lock(key: string): Promise<void>;
}

/** What store operations take: a store, or the executor of a transaction in progress (`{ sql }`). */
export interface Db {
  readonly sql: Sql;
}

/** `CAST(? AS BIGINT)`: a parameter PostgreSQL cannot type from its context (INSERT ... SELECT, VALUES in a CTE). */
export const INT = "CAST(? AS BIGINT)";
/** `CAST(? AS TEXT)`, for the same reason. */
export const TEXT = "CAST(? AS TEXT)";
