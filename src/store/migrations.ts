/**
 * @module Numbered, append-only schema migrations. Never edit an entry once committed: add a new one.
 * SQL stays portable to PostgreSQL: INTEGER ms timestamps, TEXT JSON, 0/1 flags, CHECK lists instead of enums.
 * The resulting schema is committed as `schema.sql` and compared in a test.
 */

import { createHash } from "node:crypto";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const RUN_STATES = `'Scheduled','Pending','Running','Cancelling','Completed','Failed','Cancelled','Crashed','TimedOut'`;
const TASK_STATES = `'Pending','Running','AwaitingRetry','Completed','Cached','Failed','TimedOut','Cancelled','Skipped'`;

const initial = `
CREATE TABLE pipeline_versions (
  pipeline TEXT NOT NULL,
  version TEXT NOT NULL,
  file TEXT NOT NULL,
  plan TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline, version)
);

CREATE TABLE pipelines (
  name TEXT NOT NULL PRIMARY KEY,
  file TEXT NOT NULL,
  active_version TEXT,
  valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
  diagnostics TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL
);

CREATE TABLE runs (
  id TEXT NOT NULL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  version TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${RUN_STATES})),
  params TEXT NOT NULL,
  trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('manual', 'schedule', 'api', 'retry')),
  trigger_detail TEXT,
  idempotency_key TEXT,
  schedule_id TEXT,
  slot_at INTEGER,
  retry_of TEXT REFERENCES runs (id),
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  error TEXT,
  pid INTEGER,
  heartbeat_at INTEGER,
  UNIQUE (pipeline, idempotency_key),
  UNIQUE (schedule_id, slot_at)
);
CREATE INDEX runs_created ON runs (created_at, id);
CREATE INDEX runs_pipeline_created ON runs (pipeline, created_at, id);
CREATE INDEX runs_state_created ON runs (state, created_at, id);
CREATE INDEX runs_retry_of ON runs (retry_of);

CREATE TABLE task_runs (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task TEXT NOT NULL,
  parent TEXT NOT NULL,
  map_index INTEGER,
  state TEXT NOT NULL CHECK (state IN (${TASK_STATES})),
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER,
  ended_at INTEGER,
  error TEXT,
  result TEXT,
  cache_key TEXT,
  retry_at INTEGER,
  PRIMARY KEY (run_id, task)
);
CREATE INDEX task_runs_cache ON task_runs (parent, cache_key, ended_at) WHERE cache_key IS NOT NULL;

CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task TEXT,
  from_state TEXT,
  to_state TEXT NOT NULL,
  at INTEGER NOT NULL,
  reason TEXT,
  attempt INTEGER
);
CREATE INDEX events_run ON events (run_id, seq);

CREATE TABLE logs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task TEXT,
  attempt INTEGER,
  level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX logs_run ON logs (run_id, seq);

CREATE TABLE schedules (
  id TEXT NOT NULL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  name TEXT NOT NULL,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  policy TEXT NOT NULL,
  cursor_at INTEGER,
  paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  updated_at INTEGER NOT NULL,
  UNIQUE (pipeline, name)
);

CREATE TABLE snapshot_reads (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task TEXT,
  repo TEXT NOT NULL,
  branch TEXT,
  tag TEXT,
  snapshot_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX snapshot_reads_run ON snapshot_reads (run_id, seq);
CREATE INDEX snapshot_reads_repo_snapshot ON snapshot_reads (repo, snapshot_id);

CREATE TABLE commits (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  pipeline TEXT NOT NULL,
  task TEXT,
  repo TEXT NOT NULL,
  branch TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  parent_snapshot_id TEXT,
  message TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX commits_repo_snapshot ON commits (repo, snapshot_id);
CREATE INDEX commits_repo_seq ON commits (repo, seq);
CREATE INDEX commits_pipeline_seq ON commits (pipeline, seq);
CREATE INDEX commits_run_seq ON commits (run_id, seq);

CREATE TABLE leases (
  holder TEXT NOT NULL PRIMARY KEY,
  pool TEXT NOT NULL,
  run_id TEXT,
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX leases_pool_expires ON leases (pool, expires_at);
CREATE INDEX leases_run ON leases (run_id);
`;

// Bumped in the same transaction as every write that changes a run's detail, so readers can cache the rendered
// detail and re-validate it with one primary-key read.
const runChangeCount = `
ALTER TABLE runs ADD COLUMN change_count INTEGER NOT NULL DEFAULT 0;
`;

// The logical date of a run (its schedule slot, or the time a manual run asked for), and backfills: one row per
// request and one per slot it covers, so a backfill's grid survives restarts and reruns of failed slots.
const scheduledForAndBackfills = `
ALTER TABLE runs ADD COLUMN scheduled_for INTEGER;
UPDATE runs SET scheduled_for = COALESCE(slot_at, created_at);

CREATE TABLE backfills (
  id TEXT NOT NULL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  schedule_id TEXT NOT NULL,
  from_at INTEGER NOT NULL,
  to_at INTEGER NOT NULL,
  max_active INTEGER NOT NULL,
  rerun_failed INTEGER NOT NULL CHECK (rerun_failed IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('Running', 'Completed', 'Failed', 'Cancelled')),
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX backfills_pipeline_created ON backfills (pipeline, created_at);

CREATE TABLE backfill_slots (
  backfill_id TEXT NOT NULL REFERENCES backfills (id) ON DELETE CASCADE,
  slot_at INTEGER NOT NULL,
  run_id TEXT REFERENCES runs (id),
  created INTEGER NOT NULL CHECK (created IN (0, 1)),
  PRIMARY KEY (backfill_id, slot_at)
);
CREATE INDEX backfill_slots_run ON backfill_slots (run_id);
`;

// Data triggers: per (pipeline, repository, branch) the last snapshot handled, so a restart neither loses a commit
// nor runs one twice (the run itself is keyed by the snapshot).
const triggerCursors = `
CREATE TABLE trigger_cursors (
  id TEXT NOT NULL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

// Results tasks attach for people (ctx.artifact.*), in the order the run attached them; images as bytes.
const runArtifacts = `
CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  task TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('markdown', 'table', 'image', 'link')),
  title TEXT,
  text TEXT NOT NULL,
  content BLOB,
  mime TEXT,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
);
`;


// Runs started by data triggers and by other runs get kinds of their own ('commit', 'runEnd', 'child'; they were
// recorded as 'api' with detail.on), and a child run records its parent. SQLite cannot change a CHECK in place, so
// the table is rebuilt (migrate() turns foreign keys off around it and checks them before committing).
const triggerKindsAndParents = `
CREATE TABLE runs_new (
  id TEXT NOT NULL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  version TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${RUN_STATES})),
  params TEXT NOT NULL,
  trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('manual', 'schedule', 'api', 'retry', 'commit', 'runEnd', 'child')),
  trigger_detail TEXT,
  idempotency_key TEXT,
  schedule_id TEXT,
  slot_at INTEGER,
  retry_of TEXT REFERENCES runs (id),
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  error TEXT,
  pid INTEGER,
  heartbeat_at INTEGER,
  change_count INTEGER NOT NULL DEFAULT 0,
  scheduled_for INTEGER,
  parent_run_id TEXT REFERENCES runs (id),
  UNIQUE (pipeline, idempotency_key),
  UNIQUE (schedule_id, slot_at)
);
INSERT INTO runs_new (id, pipeline, version, state, params, trigger_kind, trigger_detail, idempotency_key, schedule_id,
  slot_at, retry_of, created_at, started_at, ended_at, error, pid, heartbeat_at, change_count, scheduled_for)
SELECT id, pipeline, version, state, params,
  CASE WHEN trigger_kind = 'api' AND json_extract(trigger_detail, '$.on') IN ('commit', 'runEnd')
    THEN json_extract(trigger_detail, '$.on') ELSE trigger_kind END,
  trigger_detail, idempotency_key, schedule_id, slot_at, retry_of, created_at, started_at, ended_at, error, pid,
  heartbeat_at, change_count, scheduled_for
FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_created ON runs (created_at, id);
CREATE INDEX runs_pipeline_created ON runs (pipeline, created_at, id);
CREATE INDEX runs_state_created ON runs (state, created_at, id);
CREATE INDEX runs_retry_of ON runs (retry_of);
CREATE INDEX runs_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
`;

// Cluster work (issue 13): a worker claims a Pending run (claimed_by, lease_expires_at) and every claim bumps the
// run's fence, so a node that lost a run can no longer write to it; leadership rows (the scheduler's) are leases
// too; nodes report themselves for `floe cluster status`.
const claimsAndLeadership = `
ALTER TABLE runs ADD COLUMN claimed_by TEXT;
ALTER TABLE runs ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN lease_expires_at INTEGER;
CREATE INDEX runs_claimed ON runs (claimed_by) WHERE claimed_by IS NOT NULL;

CREATE TABLE leadership (
  name TEXT NOT NULL PRIMARY KEY,
  holder TEXT NOT NULL,
  fence INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE nodes (
  id TEXT NOT NULL PRIMARY KEY,
  role TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
`;

// Exact code everywhere (issue 13): each pipeline version's snapshot travels through the database as a compressed,
// content-addressed bundle (keyed by its version hash), so a node without the files unpacks it on demand; nodes
// register their floe version and the schema version they know, so a newer node does not migrate under older ones.
const versionBundles = `
CREATE TABLE version_bundles (
  pipeline TEXT NOT NULL,
  version TEXT NOT NULL,
  digest TEXT NOT NULL,
  content BLOB NOT NULL,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline, version)
);
ALTER TABLE nodes ADD COLUMN floe_version TEXT;
ALTER TABLE nodes ADD COLUMN schema_version INTEGER;
`;

// Which node ran what (issue 13, operations): the node that started the run and, per task row, the node whose run
// process ran its latest attempt (a distributed map spreads one run's tasks over several workers).
const nodePerTask = `
ALTER TABLE runs ADD COLUMN node TEXT;
ALTER TABLE task_runs ADD COLUMN node TEXT;
`;

// Distributed tasks (issue 13 item 5): each execution of a task or map item declared `distribute: true` is a job
// any worker node claims like a run (claimed_by, lease, fence bumped per claim); its result or error comes back
// here, accepted only from the holder of the current fence.
const taskJobs = `
CREATE TABLE task_jobs (
  id TEXT NOT NULL PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id),
  pipeline TEXT NOT NULL,
  version TEXT NOT NULL,
  task TEXT NOT NULL,
  name TEXT NOT NULL,
  map_index INTEGER,
  attempt INTEGER NOT NULL,
  input_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('Pending', 'Running', 'Completed', 'Failed', 'Cancelled')),
  claimed_by TEXT,
  fence INTEGER NOT NULL DEFAULT 0,
  lease_expires_at INTEGER,
  result_json TEXT,
  error TEXT,
  events_json TEXT,
  created_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX task_jobs_ready ON task_jobs (state, created_at, id);
CREATE INDEX task_jobs_run ON task_jobs (run_id);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial", sql: initial },
  { version: 2, name: "run change count", sql: runChangeCount },
  { version: 3, name: "scheduled for and backfills", sql: scheduledForAndBackfills },
  { version: 4, name: "trigger cursors", sql: triggerCursors },
  { version: 5, name: "run artifacts", sql: runArtifacts },
  { version: 6, name: "trigger kinds and parent runs", sql: triggerKindsAndParents },
  { version: 7, name: "claims and leadership", sql: claimsAndLeadership },
  { version: 8, name: "version bundles and node versions", sql: versionBundles },
  { version: 9, name: "node per task", sql: nodePerTask },
  { version: 10, name: "task jobs", sql: taskJobs },
];

/** The newest schema version this floe knows (both adapters' lists have the same versions). */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** What an applied migration is compared against (its SQL may never change). */
export const checksumOf = (m: Migration): string => createHash("sha256").update(m.sql).digest("hex").slice(0, 16);
