import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { MIGRATIONS, MigrationError, StoreOpenError, dumpSchema, integrityCheck, openStore } from "../../src/store/index.ts";
import { migrate } from "../../src/store/sqlite/migrate.ts";
import { tempDir } from "./helpers.ts";

const SCHEMA_FILE = fileURLToPath(new URL("../../src/store/schema.sql", import.meta.url));

test("migrations re-run: opening twice applies nothing new and keeps data", async (t) => {
  const path = join(tempDir(t), "floe.db");
  const first = openStore(path);
  const before = first.db.prepare("SELECT version, name, checksum, applied_at FROM schema_migrations").all();
  first.db.prepare("INSERT INTO pipelines (name, file, valid, updated_at) VALUES ('p', 'p.ts', 1, 1)").run();
  await first.close();
  using second = openStore(path);
  const after = second.db.prepare("SELECT version, name, checksum, applied_at FROM schema_migrations").all();
  assert.deepEqual(after, before);
  assert.deepEqual((after as { version: number }[]).map((r) => r.version), MIGRATIONS.map((m) => m.version));
  assert.equal((second.db.prepare("SELECT COUNT(*) AS n FROM pipelines").get() as { n: number }).n, 1);
  assert.deepEqual(integrityCheck(second), ["ok"]);
});

test("pragmas: WAL, foreign keys, synchronous NORMAL, busy timeout", (t) => {
  using store = openStore(join(tempDir(t), "floe.db"));
  const db = store.db;
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
  assert.equal(db.pragma("synchronous", { simple: true }), 1);
  assert.ok((db.pragma("busy_timeout", { simple: true }) as number) >= 1000);
});

test("schema dump of a fresh database matches the committed src/store/schema.sql", (t) => {
  using store = openStore(join(tempDir(t), "floe.db"));
  const dump = dumpSchema(store);
  if (process.env["FLOE_UPDATE_SCHEMA"] === "1") writeFileSync(SCHEMA_FILE, dump);
  assert.equal(dump, readFileSync(SCHEMA_FILE, "utf8"), "run with FLOE_UPDATE_SCHEMA=1 to regenerate schema.sql");
});

test("an applied migration whose SQL changed is refused (append-only)", async (t) => {
  const path = join(tempDir(t), "floe.db");
  await openStore(path).close();
  const db = new Database(path);
  db.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1").run();
  db.close();
  assert.throws(() => openStore(path), (e: unknown) => e instanceof MigrationError && e.context.version === 1);
});

test("a database from a newer floe is refused with a clear error", async (t) => {
  const path = join(tempDir(t), "floe.db");
  await openStore(path).close();
  const db = new Database(path);
  db.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 0)").run();
  db.close();
  assert.throws(() => openStore(path), (e: unknown) => e instanceof StoreOpenError && /newer/.test(e.message));
});

test("migration 2 upgrades a version-1 database in place: runs keep their rows and gain change_count 0", (t) => {
  const path = join(tempDir(t), "floe.db");
  const db = new Database(path);
  migrate(db, path, MIGRATIONS.slice(0, 1));
  db.prepare(`INSERT INTO runs (id, pipeline, version, state, params, trigger_kind, created_at)
    VALUES ('r1', 'p', 'v', 'Running', '{}', 'manual', 1)`).run();
  db.close();
  using store = openStore(path);
  assert.deepEqual(store.db.prepare("SELECT id, state, change_count FROM runs").all(), [
    { id: "r1", state: "Running", change_count: 0 },
  ]);
  assert.deepEqual(integrityCheck(store), ["ok"]);
});

test("migration 6 rebuilds runs (new trigger kinds, parent_run_id) keeping every run, its tasks and retry chain", (t) => {
  const path = join(tempDir(t), "floe.db");
  const db = new Database(path);
  db.pragma("foreign_keys = ON");
  migrate(db, path, MIGRATIONS.filter((m) => m.version <= 5));
  const run = db.prepare(`INSERT INTO runs (id, pipeline, version, state, params, trigger_kind, trigger_detail, created_at, retry_of)
    VALUES (?, 'p', 'v', 'Completed', '{}', ?, ?, 1, ?)`);
  run.run("r1", "api", JSON.stringify({ on: "commit", repo: "a/b", branch: "main", snapshotId: "S" }), null);
  run.run("r2", "retry", null, "r1");
  run.run("r3", "api", JSON.stringify({ client: "curl" }), null);
  db.prepare("INSERT INTO task_runs (run_id, task, parent, state) VALUES ('r1', 't', 't', 'Completed')").run();
  db.close();
  using store = openStore(path);
  const rows = store.db.prepare("SELECT id, trigger_kind, retry_of, parent_run_id FROM runs ORDER BY id").all();
  assert.deepEqual(rows.map((r) => ({ ...(r as object) })), [
    { id: "r1", trigger_kind: "commit", retry_of: null, parent_run_id: null },
    { id: "r2", trigger_kind: "retry", retry_of: "r1", parent_run_id: null },
    { id: "r3", trigger_kind: "api", retry_of: null, parent_run_id: null },
  ]);
  assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM task_runs").get() as { n: number }).n, 1, "no cascade");
  assert.equal(store.db.pragma("foreign_keys", { simple: true }), 1, "foreign keys are back on");
  assert.deepEqual(store.db.pragma("foreign_key_check"), []);
});
