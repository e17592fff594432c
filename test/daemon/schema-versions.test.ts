/**
 * Schema and floe versions at node start, on real PostgreSQL (embedded): a node does not migrate the database while
 * nodes of an older version are alive unless started with --migrate; a node older than the database refuses to
 * start. Both are one clear message with both versions and exit 1, never showing the password. Older nodes are
 * simulated by their rows: a node of a floe before migration 8 registers no versions.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { FLOE_VERSION } from "../../src/core/floe-version.ts";
import { runForeground } from "../../src/daemon/foreground.ts";
import { POSTGRES_MIGRATIONS, SCHEMA_VERSION, SchemaVersionError, listNodes, openDatabase } from "../../src/store/index.ts";
import { migratePostgres } from "../../src/store/postgres/migrate.ts";
import { PG_PASSWORD, startTestPostgres, type TestPostgres } from "../store/postgres-server.ts";

let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(() => server?.stop());

/** A database migrated up to `version`, and a pool on it (closed after the test). */
async function databaseAt(version: number, t: { after(fn: () => unknown): void }): Promise<{ url: string; pool: pg.Pool }> {
  const url = await server.freshUrl();
  const pool = new pg.Pool({ connectionString: url });
  t.after(() => pool.end());
  await migratePostgres(pool, "test", POSTGRES_MIGRATIONS.filter((m) => m.version <= version));
  return { url, pool };
}

async function floeStart(url: string, migrate = false): Promise<{ code: number; text: string }> {
  const cwd = mkdtempSync(join(tmpdir(), "floe-schema-"));
  try {
    const out: string[] = [];
    const env = { ...process.env, FLOE_DATABASE_URL: url, FLOE_PORT: "0" };
    const code = await runForeground("json", { cwd, env, stdout: (s) => out.push(s), stderr: (s) => out.push(s) }, process, { migrate });
    return { code, text: out.join("") };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

test("a newer node refuses to migrate while an older node is alive; --migrate does", async (t) => {
  const { url, pool } = await databaseAt(7, t);
  // a node of the floe before migration 8: no version columns to fill
  await pool.query("INSERT INTO nodes (id, role, host, pid, started_at, heartbeat_at) VALUES ('old-host:42', 'worker', 'old-host', 42, $1, $1)", [Date.now()]);
  const { code, text } = await floeStart(url);
  assert.equal(code, 1, text);
  assert.match(text, new RegExp(`this floe ${FLOE_VERSION.replace(/\./g, "\\.")} knows schema version ${SCHEMA_VERSION} but the database at postgres://floe@127\\.0\\.0\\.1:\\d+/\\w+ is at schema version 7`));
  assert.match(text, /1 node\(s\) of an older version are alive: old-host:42 \(floe version unknown, schema version 7 or older\)/);
  assert.match(text, /--migrate/);
  assert.ok(!text.includes(PG_PASSWORD), text);
  const { rows } = await pool.query<{ v: number }>("SELECT max(version) AS v FROM schema_migrations");
  assert.equal(rows[0]!.v, 7, "nothing was migrated");

  // the operator's say-so: migrate anyway (the store open that `floe start --migrate` does)
  const store = await openDatabase({ url, path: "unused" }, { migrate: true });
  t.after(() => store.close());
  assert.equal((await pool.query<{ v: number }>("SELECT max(version) AS v FROM schema_migrations")).rows[0]!.v, SCHEMA_VERSION);
  assert.deepEqual((await listNodes(store)).map((n) => [n.id, n.floeVersion, n.schemaVersion]), [["old-host:42", null, null]]);
});

test("the check reads registered versions: an alive node that knows less refuses, one that knows as much or is silent does not", async (t) => {
  const { pool } = await databaseAt(SCHEMA_VERSION, t);
  const next = [...POSTGRES_MIGRATIONS, { version: SCHEMA_VERSION + 1, name: "a future one", sql: "CREATE TABLE future (id INT)" }];
  const now = Date.now();
  const node = (id: string, schema: number, beat: number) =>
    pool.query("INSERT INTO nodes (id, role, host, pid, started_at, heartbeat_at, floe_version, schema_version) VALUES ($1, 'all', 'h', 1, $2, $2, '0.0.9', $3)", [id, beat, schema]);
  await node("silent:1", SCHEMA_VERSION - 1, now - 60_000);
  await node("current:2", SCHEMA_VERSION, now);
  const error = await migratePostgres(pool, "db", next, { now }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof SchemaVersionError, String(error));
  assert.match(error.message, new RegExp(`knows schema version ${SCHEMA_VERSION + 1} but the database at db is at schema version ${SCHEMA_VERSION}`));
  assert.match(error.message, new RegExp(`current:2 \\(floe 0\\.0\\.9, schema version ${SCHEMA_VERSION}\\)`));
  assert.ok(!error.message.includes("silent:1"), "a node past its heartbeat lease is not alive");
  await pool.query("UPDATE nodes SET schema_version = $1 WHERE id = 'current:2'", [SCHEMA_VERSION + 1]);
  assert.deepEqual(await migratePostgres(pool, "db", next, { now }), [SCHEMA_VERSION + 1]);
});

test("a node older than the database's schema refuses to start, naming both versions", async (t) => {
  const { url, pool } = await databaseAt(SCHEMA_VERSION, t);
  await pool.query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, 'from a newer floe', 'x', 0)", [SCHEMA_VERSION + 5]);
  const { code, text } = await floeStart(url);
  assert.equal(code, 1, text);
  assert.match(text, new RegExp(`the database at postgres://floe@127\\.0\\.0\\.1:\\d+/\\w+ has schema version ${SCHEMA_VERSION + 5}, newer than this floe ${FLOE_VERSION.replace(/\./g, "\\.")} knows \\(schema version ${SCHEMA_VERSION}\\): upgrade floe`));
  assert.ok(!text.includes(PG_PASSWORD), text);
});
