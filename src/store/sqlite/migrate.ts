/** @module Applies pending migrations in one immediate transaction; re-running is a no-op. */
import type BetterSqlite3 from "better-sqlite3";
import { MigrationError, StoreOpenError } from "../errors.ts";
import { MIGRATIONS, checksumOf, type Migration } from "../migrations.ts";

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}


/** Brings `db` to the newest schema; returns the versions it applied (empty when already current). */
export function migrate(
  db: BetterSqlite3.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  const applied: number[] = [];
  // A migration may rebuild a table others reference (SQLite's documented 12 steps): with foreign keys on, dropping
  // it would cascade. They are off for the transaction (the pragma is a no-op inside one) and checked before commit.
  const foreignKeys = db.pragma("foreign_keys", { simple: true }) === 1;
  if (foreignKeys) db.pragma("foreign_keys = OFF");
  // IMMEDIATE: two processes opening a fresh file at once cannot both apply migration 1.
  const run = db.transaction(() => {
    db.exec(CREATE_TABLE);
    const rows = db.prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version").all() as AppliedRow[];
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const m = known.get(row.version);
      if (!m) {
        throw new StoreOpenError({ path, reason: `schema version ${row.version} is newer than this floe knows` });
      }
      if (row.checksum !== checksumOf(m)) {
        throw new MigrationError("its SQL changed after it was applied; add a new migration instead", {
          path, version: m.version, name: m.name,
        });
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const insert = db.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)");
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      try {
        db.exec(m.sql);
      } catch (cause) {
        throw new MigrationError(cause instanceof Error ? cause.message : String(cause), {
          path, version: m.version, name: m.name,
        }, { cause });
      }
      insert.run(m.version, m.name, checksumOf(m), Date.now());
      applied.push(m.version);
    }
    const broken = db.pragma("foreign_key_check") as { table: string }[];
    if (applied.length > 0 && broken.length > 0) {
      throw new MigrationError(`${broken.length} row(s) break a foreign key (first in ${broken[0]!.table})`, {
        path, version: applied.at(-1)!, name: "foreign key check",
      });
    }
  });
  try {
    run.immediate();
  } finally {
    if (foreignKeys) db.pragma("foreign_keys = ON");
  }
  return applied;
}

/** The versions recorded in `schema_migrations`, ascending. */
export function appliedVersions(db: BetterSqlite3.Database): number[] {
  const rows = db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as { version: number }[];
  return rows.map((r) => r.version);
}
