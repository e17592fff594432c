/** @module The schema as text, for the committed `schema.sql` (regenerate: FLOE_UPDATE_SCHEMA=1 on the test). */
import type { SqliteStore } from "./open.ts";

const OBJECTS = `SELECT type, name, sql FROM sqlite_master
WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name`;

/** Every table and index definition, one statement each, in a stable order. */
export function dumpSchema(store: SqliteStore): string {
  const rows = store.db.prepare(OBJECTS).all() as { type: string; name: string; sql: string }[];
  const versions = store.db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all() as {
    version: number;
    name: string;
  }[];
  const header = [
    "-- floe state schema: generated from src/store/migrations.ts; do not edit by hand.",
    ...versions.map((v) => `-- migration ${v.version}: ${v.name}`),
  ];
  return `${header.join("\n")}\n\n${rows.map((r) => `${r.sql};`).join("\n\n")}\n`;
}
