/**
 * @module `npm run bench -- trigger`: a commit landed on a watched local repository -> the triggered run's first task
 * Running, on a real daemon (in this process; the run executes in its own process as always). The commits are made
 * by another process (a committer child), one at a time, each after the previous run ended, so every commit is one
 * run (no coalescing). Latency = the task's recorded start minus the time the committer's commit returned.
 * Args: [commits=20] [gapMs=0]: gapMs waits between a run's end and the next commit (0: back to back, so the
 * daemon's warm run process booted for the next run may not be ready yet; `process_age_p50_ms` is how old the run's
 * process was when its task started). Target: p99 <= 1000 ms for local repositories (needs a calm machine: a loaded
 * one adds process scheduling delay to every step).
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createDaemon } from "../src/daemon/create-daemon.ts";
import { createLogger } from "../src/daemon/logger.ts";
import { getRun, getTriggerCursor, listRuns } from "../src/store/index.ts";
import { emit, percentile, round } from "./emit.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

// reads a line per commit request on stdin, answers with the snapshot id and the time the commit returned
const COMMITTER = `import { Client } from "floe/arraylake";
import * as zarr from "zarrita";
import { createInterface } from "node:readline";
const client = new Client({ localReposDir: process.env.REPOS });
const repo = await client.getOrCreateRepo("bench/raw");
let i = 0;
console.log(JSON.stringify({ ready: true }));
for await (const _ of createInterface({ input: process.stdin })) {
  const session = await repo.writableSession("main");
  await zarr.create(zarr.root(session.store).resolve("a" + i++), { shape: [1], chunkShape: [1], dtype: "float32" });
  const id = await session.commit("bench " + i);
  console.log(JSON.stringify({ id, at: Date.now() }));
}
client.close();
`;

const PIPELINE = `import { pipeline } from "floe";
export default pipeline({ name: "reactor", triggers: [{ onCommit: { repo: "bench/raw", branch: "main" } }] })
  .task("first", () => Date.now() - performance.timeOrigin);
`;

export default async function triggerBench(args: string[]): Promise<void> {
  const commits = Number(args[0] ?? 20);
  const gapMs = Number(args[1] ?? 0);
  mkdirSync(join(repo, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repo, ".tmp", "bench-trigger-"));
  mkdirSync(join(dir, "pipelines"));
  writeFileSync(join(dir, "arraylake.config.ts"), `import { defineConfig } from "floe/config";\nexport default defineConfig({});\n`);
  writeFileSync(join(dir, "pipelines", "reactor.ts"), PIPELINE);
  writeFileSync(join(dir, "commit.mts"), COMMITTER);
  const committer = spawn(process.execPath, ["--import", "tsx", "--no-warnings", "commit.mts"], {
    cwd: dir, env: { ...process.env, REPOS: join(dir, "state", "arraylake") }, stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: committer.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<{ id?: string; at?: number }> => JSON.parse(((await lines.next()).value as string) ?? "{}");
  await next(); // the repository exists before the daemon first looks: its first head is the baseline
  const daemon = await createDaemon({
    cwd: dir, env: { ...process.env, FLOE_PORT: "0", FLOE_STATE_DIR: "", FLOE_TRIGGER_POLL_MS: "1000" }, log: createLogger("json", () => {}),
  });
  const latencies: number[] = [];
  const detections: number[] = [];
  /** Commit to the run Running (its process took the assignment, imported the pipeline, validated params). */
  const runStarts: number[] = [];
  const ages: number[] = [];
  try {
    // the trigger's baseline (the head before the first measured commit) is taken
    for (const t0 = Date.now(); await getTriggerCursor(daemon.store, "reactor:bench/raw@main") === undefined; ) {
      if (Date.now() - t0 > 60_000) throw new Error("the trigger did not start watching within 60 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let n = 0; n < commits; n++) {
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      committer.stdin!.write("commit\n");
      const { id, at } = await next();
      const t0 = Date.now();
      for (;;) {
        const run = (await listRuns(daemon.store, { pipeline: "reactor", limit: 5 })).items.find((r) => (r.trigger.detail as { snapshotId?: string })?.snapshotId === id);
        const detail = run && await getRun(daemon.store, run.id);
        const started = detail?.tasks[0]?.startedAt;
        if (detail && started != null && ["Completed", "Failed", "Crashed"].includes(detail.state)) {
          latencies.push(started - at!);
          detections.push(detail.createdAt - at!);
          if (detail.startedAt !== null) runStarts.push(detail.startedAt - at!);
          const age = Number(detail.tasks[0]?.resultJson);
          if (Number.isFinite(age)) ages.push(age);
          break;
        }
        if (Date.now() - t0 > 30_000) throw new Error(`commit ${id} started no run within 30 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    emit("trigger", {
      commits, gap_ms: gapMs, p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)), max_ms: round(Math.max(...latencies)),
      run_created_p50_ms: round(percentile(detections, 50)), run_created_p99_ms: round(percentile(detections, 99)),
      run_started_p50_ms: round(percentile(runStarts, 50)), run_started_p99_ms: round(percentile(runStarts, 99)),
      process_age_p50_ms: round(percentile(ages, 50)), poll_ms: 1000, target_p99_ms: 1000, load1: round(os.loadavg()[0]!),
    });
  } finally {
    committer.stdin!.end();
    await daemon.stop("bench done");
    committer.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
