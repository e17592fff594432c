/**
 * @module The SQLite `Sql`: better-sqlite3 is synchronous, so a statement outside a transaction runs at once and
 * resolves already settled. A transaction spans awaits, so the connection is serialised: while one is open (or
 * queued), every other top-level statement and transaction waits its turn, in call order.
 */
import type BetterSqlite3 from "better-sqlite3";
import { StoreReadOnlyError } from "../errors.ts";
import type { Sql } from "../sql.ts";

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

const NO_ARGS: readonly unknown[] = [];

/** Runs `fn` and returns its value as a settled promise (a throw becomes a rejection). */
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (cause) {
    return Promise.reject(cause as Error);
  }
}

/**
 * @example
 * const sql = sqliteSql(new Database("state/floe.db"), "state/floe.db", false);
 * await sql.run("UPDATE runs SET pid = ? WHERE id = ?", [pid, id]);
 */
export function sqliteSql(db: BetterSqlite3.Database, path: string, readonly: boolean): Sql {
  const cache = new Map<string, Statement>();
  const stmt = (text: string): Statement => {
    let s = cache.get(text);
    if (!s) {
      if (readonly && !/^\s*(SELECT|WITH|PRAGMA)\b/i.test(text)) throw new StoreReadOnlyError(path);
      s = db.prepare(text);
      cache.set(text, s);
    }
    return s;
  };
  // spread: better-sqlite3 binds arguments faster than array items
  const all = <T>(text: string, args: readonly unknown[]): T[] => stmt(text).all(...args) as T[];
  const get = <T>(text: string, args: readonly unknown[]): T | undefined => stmt(text).get(...args) as T | undefined;
  const run = (text: string, args: readonly unknown[]): number => stmt(text).run(...args).changes;

  // Top-level work waits while a transaction holds the connection (`busy` counts the queued and running ones).
  let queue: Promise<unknown> = Promise.resolve();
  let busy = 0;
  const serial = <T>(fn: () => T | Promise<T>): Promise<T> => {
    busy++;
    const done = queue.then(fn);
    queue = done.then(() => busy--, () => busy--);
    return done;
  };
  const now = <T>(fn: () => T): Promise<T> => (busy === 0 ? settled(fn) : serial(fn));

  const inside = (depth: number): Sql => {
    const self: Sql = {
      dialect: "sqlite",
      all: (text, args = NO_ARGS) => settled(() => all(text, args)),
      get: (text, args = NO_ARGS) => settled(() => get(text, args)),
      run: (text, args = NO_ARGS) => settled(() => run(text, args)),
      tx: (fn) => savepoint(depth + 1, fn),
      guard: (fn) => fn(self),
      lock: () => Promise.resolve(),
    };
    return self;
  };
  const savepoint = async <T>(depth: number, fn: (sql: Sql) => Promise<T>): Promise<T> => {
    const name = `s${depth}`;
    db.exec(`SAVEPOINT ${name}`);
    try {
      const value = await fn(inside(depth));
      db.exec(`RELEASE ${name}`);
      return value;
    } catch (cause) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
      throw cause;
    }
  };
  const top: Sql = {
    dialect: "sqlite",
    all: (text, args = NO_ARGS) => now(() => all(text, args)),
    get: (text, args = NO_ARGS) => now(() => get(text, args)),
    run: (text, args = NO_ARGS) => now(() => run(text, args)),
    // IMMEDIATE: the write lock is taken at BEGIN, so another process cannot make this transaction fail midway.
    tx: (fn) =>
      serial(async () => {
        db.exec(readonly ? "BEGIN" : "BEGIN IMMEDIATE");
        try {
          const value = await fn(inside(0));
          db.exec("COMMIT");
          return value;
        } catch (cause) {
          if (db.inTransaction) db.exec("ROLLBACK");
          throw cause;
        }
      }),
    guard: (fn) => fn(top),
    lock: () => Promise.resolve(),
  };
  return top;
}
