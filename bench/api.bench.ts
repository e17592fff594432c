/**
 * @module `npm run bench -- api`: `GET /api/runs/:id` requests/s and p99 under autocannon while runs are being
 * written to the same store (an in-process writer loop: run creation, task transitions and log lines, like a
 * daemon recording a pipeline), and in the same process a bare Hono route returning constant JSON (the limit).
 * autocannon runs in its own process (its own core). Loopback only.
 * Args: [seconds=5] [connections=10] [writer=on|off] (off isolates the API's own cost).
 * Targets, for the ended and the active run alike: at least half the bare route's requests/s, p99 <= 10 ms.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { createApp, serveApp, type ApiDeps } from "../src/api/index.ts";
import { systemClock } from "../src/core/clock.ts";
import type { RunEvent } from "../src/core/events.ts";
import { applyRunEvents, createRun, openStore, type Store } from "../src/store/index.ts";
import { emit, round } from "./emit.ts";

const TASKS = 10;

/** One finished run with TASKS tasks, logs, a read and a commit: what a typical detail request returns. */
async function seedRun(store: Store, pipeline: string, at: number, end = true): Promise<string> {
  const { run } = await createRun(store, { pipeline, version: "v1", params: { year: 2024, region: "eu" }, trigger: { kind: "manual" }, createdAt: at });
  const tasks = Array.from({ length: TASKS }, (_, i) => `t${i}`);
  const events: RunEvent[] = [{ type: "run:transition", runId: run.id, from: "Pending", to: "Running", at }];
  for (const task of tasks) {
    events.push({ type: "task:create", runId: run.id, task, parent: task, mapIndex: null, at });
    events.push({ type: "task:transition", runId: run.id, task, from: "Pending", to: "Running", at, attempt: 1 });
    events.push({ type: "log:line", runId: run.id, task, level: "info", message: `working on ${task}`, at });
    if (end) events.push({ type: "task:transition", runId: run.id, task, from: "Running", to: "Completed", at: at + 5, attempt: 1, resultJson: `{"rows":${task.length}}` });
  }
  events.push({ type: "snapshot:read", runId: run.id, task: "t0", repo: "org/in", snapshotId: `S${at}`, at });
  events.push({ type: "snapshot:commit", runId: run.id, task: "t9", repo: "org/out", branch: "main", snapshotId: `C${at}`, message: "seasonal means", at: at + 5 });
  if (end) events.push({ type: "run:transition", runId: run.id, from: "Running", to: "Completed", at: at + 10 });
  await applyRunEvents(store, events);
  return run.id;
}

/**
 * Keeps writing like a daemon recording a pipeline: a new run every 50 ms, and every 5 ms 20 log lines plus a task
 * transition, half of them on `active` (a Running run with 10 tasks, whose detail is read uncached).
 */
function startWriter(store: Store, active: string): { stop(): void; readonly events: number } {
  let events = 0;
  let current: { id: string; n: number } | undefined;
  let tick = 0;
  const newRun = setInterval(async () => {
    const { run } = await createRun(store, { pipeline: "live", version: "v1", params: {}, trigger: { kind: "schedule" } });
    await applyRunEvents(store, [
      { type: "task:create", runId: run.id, task: "work", parent: "work", mapIndex: null, at: Date.now() },
      { type: "run:transition", runId: run.id, from: "Pending", to: "Running", at: Date.now() },
      { type: "task:transition", runId: run.id, task: "work", from: "Pending", to: "Running", at: Date.now(), attempt: 1 },
    ]);
    current = { id: run.id, n: 0 };
  }, 50);
  const lines = setInterval(async () => {
    if (!current) return;
    const runId = tick++ % 2 === 0 ? active : current.id;
    const batch: RunEvent[] = Array.from({ length: 20 }, () => ({
      type: "log:line" as const, runId, task: "work", level: "info" as const, message: `line ${current!.n++}`, at: Date.now(),
    }));
    // an attempt that retries forever: the active run's task rows keep changing
    const task = `t${tick % TASKS}`;
    if (runId === active) {
      batch.push(
        { type: "task:transition", runId, task, from: "Running", to: "AwaitingRetry", at: Date.now(), attempt: tick, retryAt: Date.now() },
        { type: "task:transition", runId, task, from: "AwaitingRetry", to: "Running", at: Date.now(), attempt: tick + 1 },
      );
    }
    events += (await applyRunEvents(store, batch)).applied;
  }, 5);
  return {
    stop: () => (clearInterval(newRun), clearInterval(lines)),
    get events() {
      return events;
    },
  };
}

function benchDeps(store: Store): ApiDeps {
  const refuse = (): never => {
    throw new Error("not used by the benchmark");
  };
  return {
    store, pipelines: () => [], submitRun: refuse, cancelRun: refuse, retryRun: refuse, pauseSchedule: refuse,
    createBackfill: refuse, cancelBackfill: refuse,
    subscribe: () => () => undefined, version: "bench", startedAt: Date.now(), clock: systemClock,
  };
}

interface Load {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** autocannon in a child process, so the load generator does not share the server's event loop. */
function autocannon(url: string, seconds: number, connections: number): Promise<Load> {
  const cli = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "-j", "-c", String(connections), "-d", String(seconds), url], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
      resolve({ rps: round(r.requests.average, 0), p50Ms: r.latency.p50, p99Ms: r.latency.p99, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors });
    });
  });
}

export default async function apiBench(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 5);
  const connections = Number(args[1] ?? 10);
  const writing = args[2] !== "off";
  const dir = mkdtempSync(join(tmpdir(), "floe-bench-api-"));
  const store = openStore(join(dir, "floe.db"));
  try {
    const start = Date.now() - 1_000_000;
    let ended = "";
    for (let i = 0; i < 1000; i++) ended = await seedRun(store, i % 2 ? "seasonal-means" : "ingest", start + i * 1000);
    const active = await seedRun(store, "seasonal-means", Date.now(), false);

    await using apiServer = await serveApp(createApp(benchDeps(store), { host: "127.0.0.1" }), { host: "127.0.0.1", port: 0 });
    // The limit: constant JSON of the same bytes as the run detail, so transport and client parsing cost the same.
    const constant = await (await fetch(`${apiServer.url}/api/runs/${ended}`)).text();
    const bare = new Hono()
      .get("/bare", (c) => c.body(constant, 200, { "content-type": "application/json; charset=utf-8" }))
      .get("/tiny", (c) => c.json({ status: "ok" }));
    await using bareServer = await serveApp(bare, { host: "127.0.0.1", port: 0 });
    const bytesOf = async (url: string): Promise<number> => {
      const res = await fetch(url);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
      return (await res.arrayBuffer()).byteLength;
    };

    await autocannon(`${bareServer.url}/bare`, 1, connections); // warm-up: JIT, sockets
    const tiny = await autocannon(`${bareServer.url}/tiny`, seconds, connections);
    emit("api", { target: "bare hono route, tiny JSON (reference)", seconds, connections, ...tiny });
    const limit = await autocannon(`${bareServer.url}/bare`, seconds, connections);
    emit("api", { target: "bare hono route, constant JSON of the run detail's size (limit)", seconds, connections, responseBytes: constant.length, ...limit });

    const writer = writing ? startWriter(store, active) : { stop: () => undefined, events: 0 };
    const measured: Record<string, Load> = {};
    for (const [name, id] of [["ended run (10 tasks)", ended], ["active run (10 tasks, being written)", active]] as const) {
      const url = `${apiServer.url}/api/runs/${id}`;
      const responseBytes = await bytesOf(url);
      const before = writer.events;
      await autocannon(url, 1, connections);
      const load = await autocannon(url, seconds, connections);
      measured[name] = load;
      emit("api", {
        target: `GET /api/runs/:id, ${name}${writing ? ", while writing" : ""}`, seconds, connections, responseBytes,
        writerEventsPerS: round((writer.events - before) / (seconds + 1), 0), ...load,
        ratioToBare: round(load.rps / limit.rps, 2),
      });
    }
    writer.stop();

    const ended_ = measured["ended run (10 tasks)"]!;
    const active_ = measured["active run (10 tasks, being written)"]!;
    const ratio = round(ended_.rps / limit.rps, 2);
    const activeRunRatio = round(active_.rps / limit.rps, 2);
    const ok = (l: Load, r: number): boolean => r >= 0.5 && l.p99Ms <= 10 && l.non2xx === 0 && l.errors === 0;
    emit("api", {
      target: "summary (ended and active run)", ratio, p99Ms: ended_.p99Ms, targetRatio: 0.5, targetP99Ms: 10,
      activeRunRatio, activeRunP99Ms: active_.p99Ms,
      pass: ok(ended_, ratio) && ok(active_, activeRunRatio),
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
