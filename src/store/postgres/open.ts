/**
 * @module `openPostgres`: the PostgreSQL adapter, the one place a node-postgres pool is made. BIGINT (ms times,
 * counts) is read as a number; migrations run at open. The password never leaves this module: the store's `path`
 * and every error name the database as `postgres://user@host:port/db`.
 */
import pg from "pg";
import { isFloeError } from "../../core/errors.ts";
import { StoreOpenError } from "../errors.ts";
import type { Store } from "../store.ts";
import { postgresSql } from "./executor.ts";
import { migratePostgres } from "./migrate.ts";

export interface OpenPostgresOptions {
  readonly?: boolean;
  /** Connections in the pool (default 10). */
  max?: number;
  /** How long to wait for a connection before failing (ms, default 5,000). */
  connectTimeoutMs?: number;
  /** Migrate even while nodes of an older version are alive (`floe start --migrate`). */
  migrate?: boolean | undefined;
}

const INT8 = 20;
// Per pool, not global: ms timestamps and counts fit a double exactly.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** The URL without its password (and without query options), safe for logs, errors and the API. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `postgres://${user}${u.hostname || "localhost"}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "postgres://(an unparsable URL)";
  }
}

/**
 * Connects, migrates, and returns the store.
 * @example
 * await using store = await openPostgres("postgres://floe:secret@db:5432/floe");
 */
export async function openPostgres(url: string, opts: OpenPostgresOptions = {}): Promise<Store> {
  const where = describePostgresUrl(url);
  const readonly = opts.readonly ?? false;
  const pool = new pg.Pool({
    connectionString: url, max: opts.max ?? 10, types, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    ...(readonly ? { options: "-c default_transaction_read_only=on" } : {}),
  });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  try {
    if (readonly) await pool.query("SELECT 1 FROM schema_migrations LIMIT 1");
    else await migratePostgres(pool, where, undefined, { migrate: opts.migrate });
  } catch (cause) {
    await pool.end().catch(() => undefined);
    if (isFloeError(cause)) throw cause;
    throw new StoreOpenError({ path: where, reason: reasonOf(cause, url) }, { cause: scrubbed(cause, url) });
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= pool.end());
  const listen = async (channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> => {
    const client = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000 });
    client.on("error", () => undefined); // a lost connection ends the wake-ups; the caller's polling goes on
    await client.connect();
    client.on("notification", (n) => {
      if (n.channel === channel) onNotify(n.payload ?? "");
    });
    await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    return () => client.end();
  };
  return { dialect: "postgres", path: where, readonly, sql: postgresSql(pool), listen, close, [Symbol.asyncDispose]: close };
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (is PostgreSQL running and listening there?)",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  "28P01": "password authentication failed",
  "3D000": "the database does not exist",
};

function reasonOf(cause: unknown, url: string): string {
  const e = cause as { code?: string; message?: string; errors?: { code?: string }[] } | null;
  const code = e?.code ?? e?.errors?.[0]?.code;
  const known = code === undefined ? undefined : REASONS[code];
  const text = known ?? (e?.message || String(cause));
  return scrub(/timeout/i.test(text) && !known ? "connection timed out" : text, url);
}

/** Removes the password (and the full URL) from a driver message, whatever the driver put in it. */
function scrub(text: string, url: string): string {
  let out = text.split(url).join(describePostgresUrl(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.split(password).join("***");
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

function scrubbed(cause: unknown, url: string): Error {
  return new Error(scrub(cause instanceof Error ? cause.message : String(cause), url));
}
