/** @module `Store`: an open state database of either adapter; every operation in `src/store` takes one (or `{ sql }`). */
import type { Db, Dialect } from "./sql.ts";

export interface Store extends Db {
  readonly dialect: Dialect;
  /** The SQLite file, or the PostgreSQL URL without its password (safe to print). */
  readonly path: string;
  readonly readonly: boolean;
  /**
   * Calls `onNotify` for each notification on `channel` (PostgreSQL LISTEN, on a connection of its own) until the
   * returned function is called. SQLite has one process: nothing to hear, callers poll.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
