-- floe state schema: generated from src/store/migrations.ts; do not edit by hand.
-- migration 1: initial
-- migration 2: run change count
-- migration 3: scheduled for and backfills
-- migration 4: trigger cursors
-- migration 5: run artifacts
-- migration 6: trigger kinds and parent runs
-- migration 7: claims and leadership
-- migration 8: version bundles and node versions
-- migration 9: node per task
-- migration 10: task jobs

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

CREATE TABLE backfill_slots (
  backfill_id TEXT NOT NULL REFERENCES backfills (id) ON DELETE CASCADE,
  slot_at INTEGER NOT NULL,
  run_id TEXT REFERENCES runs (id),
  created INTEGER NOT NULL CHECK (created IN (0, 1)),
  PRIMARY KEY (backfill_id, slot_at)
);

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

CREATE TABLE leadership (
  name TEXT NOT NULL PRIMARY KEY,
  holder TEXT NOT NULL,
  fence INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE leases (
  holder TEXT NOT NULL PRIMARY KEY,
  pool TEXT NOT NULL,
  run_id TEXT,
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE logs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task TEXT,
  attempt INTEGER,
  level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT NOT NULL,
  at INTEGER NOT NULL
);

CREATE TABLE nodes (
  id TEXT NOT NULL PRIMARY KEY,
  role TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
, floe_version TEXT, schema_version INTEGER);

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

CREATE TABLE "runs" (
  id TEXT NOT NULL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  version TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('Scheduled','Pending','Running','Cancelling','Completed','Failed','Cancelled','Crashed','TimedOut')),
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
  parent_run_id TEXT REFERENCES runs (id), claimed_by TEXT, fence INTEGER NOT NULL DEFAULT 0, lease_expires_at INTEGER, node TEXT,
  UNIQUE (pipeline, idempotency_key),
  UNIQUE (schedule_id, slot_at)
);

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

CREATE TABLE schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at INTEGER NOT NULL
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

CREATE TABLE task_runs (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task TEXT NOT NULL,
  parent TEXT NOT NULL,
  map_index INTEGER,
  state TEXT NOT NULL CHECK (state IN ('Pending','Running','AwaitingRetry','Completed','Cached','Failed','TimedOut','Cancelled','Skipped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER,
  ended_at INTEGER,
  error TEXT,
  result TEXT,
  cache_key TEXT,
  retry_at INTEGER, node TEXT,
  PRIMARY KEY (run_id, task)
);

CREATE TABLE trigger_cursors (
  id TEXT NOT NULL PRIMARY KEY,
  pipeline TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE version_bundles (
  pipeline TEXT NOT NULL,
  version TEXT NOT NULL,
  digest TEXT NOT NULL,
  content BLOB NOT NULL,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (pipeline, version)
);

CREATE INDEX backfill_slots_run ON backfill_slots (run_id);

CREATE INDEX backfills_pipeline_created ON backfills (pipeline, created_at);

CREATE INDEX commits_pipeline_seq ON commits (pipeline, seq);

CREATE INDEX commits_repo_seq ON commits (repo, seq);

CREATE INDEX commits_repo_snapshot ON commits (repo, snapshot_id);

CREATE INDEX commits_run_seq ON commits (run_id, seq);

CREATE INDEX events_run ON events (run_id, seq);

CREATE INDEX leases_pool_expires ON leases (pool, expires_at);

CREATE INDEX leases_run ON leases (run_id);

CREATE INDEX logs_run ON logs (run_id, seq);

CREATE INDEX runs_claimed ON runs (claimed_by) WHERE claimed_by IS NOT NULL;

CREATE INDEX runs_created ON runs (created_at, id);

CREATE INDEX runs_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

CREATE INDEX runs_pipeline_created ON runs (pipeline, created_at, id);

CREATE INDEX runs_retry_of ON runs (retry_of);

CREATE INDEX runs_state_created ON runs (state, created_at, id);

CREATE INDEX snapshot_reads_repo_snapshot ON snapshot_reads (repo, snapshot_id);

CREATE INDEX snapshot_reads_run ON snapshot_reads (run_id, seq);

CREATE INDEX task_jobs_ready ON task_jobs (state, created_at, id);

CREATE INDEX task_jobs_run ON task_jobs (run_id);

CREATE INDEX task_runs_cache ON task_runs (parent, cache_key, ended_at) WHERE cache_key IS NOT NULL;
