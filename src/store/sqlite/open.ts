/**
 * @module `openStore`: the SQLite adapter, the one place a better-sqlite3 connection is made. WAL, busy timeout,
 * synchronous=NORMAL, foreign keys, migrations; prepared statements cached per store (executor.ts).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { isFloeError } from "../../core/errors.ts";
import { StoreOpenError } from "../errors.ts";
import type { Store } from "../store.ts";
import { sqliteSql } from "./executor.ts";
import { appliedVersions, migrate } from "./migrate.ts";

/** A SQLite store: closes synchronously too, and exposes its connection to SQLite-only tools (integrity, schema). */
export interface SqliteStore extends Store {
  readonly dialect: "sqlite";
  /** @internal For `src/store` and its tests only. */
  readonly db: BetterSqlite3.Database;
  [Symbol.dispose](): void;
}

export interface OpenStoreOptions {
  readonly?: boolean;
  /** How long a writer waits for the lock before SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating folder and file when needed) and migrates the state database.
 * @example
 * using store = openStore("state/floe.db");
 */
export function openStore(dbPath: string, opts: OpenStoreOptions = {}): SqliteStore {
  const path = resolve(dbPath);
  const readonly = opts.readonly ?? false;
  const db = connect(path, readonly, opts.busyTimeoutMs ?? 5000);
  const sql = sqliteSql(db, path, readonly);
  const closeNow = (): void => {
    if (db.open) db.close();
  };
  const close = (): Promise<void> => {
    closeNow();
    return Promise.resolve();
  };
  return {
    dialect: "sqlite", path, readonly, sql, db, close, listen: () => Promise.resolve(() => Promise.resolve()),
    [Symbol.dispose]: closeNow, [Symbol.asyncDispose]: close,
  };
}

function connect(path: string, readonly: boolean, busyTimeoutMs: number): BetterSqlite3.Database {
  let db: BetterSqlite3.Database | undefined;
  try {
    if (!readonly) {
      mkdirSync(dirname(path), { recursive: true });
      assertWritable(dirname(path));
      if (existsSync(path)) assertWritable(path);
    }
    db = new Database(path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
    db.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    db.pragma("foreign_keys = ON");
    if (readonly) {
      if (appliedVersions(db).length === 0) throw new Error("the database has no schema yet");
      return db;
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("cache_size = -16000"); // 16 MB: a 10,000-task run stays in memory while it is written
    migrate(db, path);
    return db;
  } catch (cause) {
    db?.close();
    if (isFloeError(cause)) throw cause;
    throw new StoreOpenError({ path, reason: describe(cause) }, { cause });
  }
}

/**
 * Root ignores permission bits, so a folder made read-only with `chmod a-w` is refused for root too:
 * the same clear error for everyone, rather than a daemon that writes where it was told not to.
 */
function assertWritable(target: string): void {
  accessSync(target, constants.W_OK);
  if (process.getuid?.() === 0 && (statSync(target).mode & 0o222) === 0) {
    throw Object.assign(new Error(`${target} is read-only`), { code: "EACCES" });
  }
}

function describe(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return "the state folder or file is not writable";
  if (code === "ENOTDIR" || code === "EEXIST") return "a path component is not a folder";
  if (code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN") return `${cause instanceof Error ? cause.message : code}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Runs `PRAGMA integrity_check`; returns `["ok"]` for a sound database, else the problems found. */
export function integrityCheck(store: SqliteStore): string[] {
  const rows = store.db.pragma("integrity_check") as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check);
}
