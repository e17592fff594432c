/**
 * @module Applies PostgreSQL's pending migrations in one transaction under an advisory lock, so nodes starting
 * together migrate once; re-running is a no-op. A database newer than this floe is refused, and so is migrating
 * under alive nodes of an older version without `migrate` (schema-check.ts).
 */
import type { Pool } from "pg";
import { MigrationError, StoreOpenError } from "../errors.ts";
import { checksumOf, type Migration } from "../migrations.ts";
import { POSTGRES_MIGRATIONS } from "./migrations.ts";
import { checkSchemaVersions } from "./schema-check.ts";

export interface MigrateOptions {
  /** Apply pending migrations even while nodes of an older version are alive (`floe start --migrate`). */
  migrate?: boolean | undefined;
  now?: number | undefined;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/** Brings the database to the newest schema; returns the versions it applied. `where` names it in errors. */
export async function migratePostgres(
  pool: Pool,
  where: string,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
  opts: MigrateOptions = {},
): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('floe:migrate'))");
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    await checkSchemaVersions(client, {
      where, databaseVersion: Math.max(0, ...rows.map((r) => r.version)), knownVersion: Math.max(0, ...known.keys()),
      migrate: opts.migrate ?? false, now: opts.now ?? Date.now(),
    });
    for (const row of rows) {
      const m = known.get(row.version);
      if (!m) throw new StoreOpenError({ path: where, reason: `schema version ${row.version} is newer than this floe knows` });
      if (row.checksum !== checksumOf(m)) {
        throw new MigrationError("its SQL changed after it was applied; add a new migration instead", {
          path: where, version: m.version, name: m.name,
        });
      }
    }
    const done = new Set(rows.map((r) => r.version));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      try {
        await client.query(m.sql);
      } catch (cause) {
        throw new MigrationError(cause instanceof Error ? cause.message : String(cause), {
          path: where, version: m.version, name: m.name,
        }, { cause });
      }
      await client.query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)", [
        m.version, m.name, checksumOf(m), Date.now(),
      ]);
      applied.push(m.version);
    }
    await client.query("COMMIT");
    return applied;
  } catch (cause) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw cause;
  } finally {
    client.release();
  }
}
