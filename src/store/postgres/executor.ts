/**
 * @module The PostgreSQL `Sql`: statements go to a node-postgres pool, a transaction holds one client from BEGIN
 * to COMMIT, nested transactions and `guard` are savepoints. `?` placeholders are numbered to `$1..$n` once per
 * statement text.
 */
import type { Pool, PoolClient } from "pg";
import type { Sql } from "../sql.ts";

const NO_ARGS: readonly unknown[] = [];

/** `?` -> `$n`, outside quoted strings; cached per text (the texts are constants or built from a few shapes). */
function numberer(): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let out = cache.get(text);
    if (out === undefined) {
      let n = 0;
      out = text.replace(/'(?:[^']|'')*'|\?/g, (m) => (m === "?" ? `$${++n}` : m));
      if (cache.size < 10_000) cache.set(text, out);
    }
    return out;
  };
}

type Queryable = Pick<Pool, "query"> | PoolClient;

/**
 * @example
 * const sql = postgresSql(new pg.Pool({ connectionString }));
 * await sql.run("UPDATE runs SET pid = ? WHERE id = ?", [pid, id]);
 */
export function postgresSql(pool: Pool): Sql {
  const number = numberer();
  const on = (q: Queryable, depth: number | undefined): Sql => {
    const query = async <T>(text: string, args: readonly unknown[]) =>
      q.query<T & Record<string, unknown>>(number(text), args as unknown[]);
    const self: Sql = {
      dialect: "postgres",
      all: async <T>(text: string, args = NO_ARGS) => (await query<T>(text, args)).rows as T[],
      get: async <T>(text: string, args = NO_ARGS) => (await query<T>(text, args)).rows[0] as T | undefined,
      run: async (text, args = NO_ARGS) => (await query(text, args)).rowCount ?? 0,
      tx: (fn) => (depth === undefined ? transaction(fn) : savepoint(q as PoolClient, depth + 1, fn)),
      guard: (fn) => (depth === undefined ? fn(self) : savepoint(q as PoolClient, depth + 1, fn)),
      lock: async (key) => {
        // A lock outside a transaction would be released at once: take it in one of its own.
        if (depth === undefined) throw new Error("lock() is only meaningful inside a transaction");
        await q.query("SELECT pg_advisory_xact_lock(hashtext($1))", [key]);
      },
    };
    return self;
  };
  const transaction = async <T>(fn: (sql: Sql) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const value = await fn(on(client, 0));
      await client.query("COMMIT");
      return value;
    } catch (cause) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw cause;
    } finally {
      client.release();
    }
  };
  const savepoint = async <T>(client: PoolClient, depth: number, fn: (sql: Sql) => Promise<T>): Promise<T> => {
    const name = `s${depth}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const value = await fn(on(client, depth));
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return value;
    } catch (cause) {
      await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      throw cause;
    }
  };
  return on(pool, undefined);
}
