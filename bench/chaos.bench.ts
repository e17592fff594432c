/**
 * @module `npm run bench -- chaos [--duration S] [--seed N]`: a bounded, self-stopping chaos run on a cluster of floe
 * nodes in their own network namespaces (1 api, 2 schedulers, 3 workers; test/cluster/) sharing one PostgreSQL.
 * For `--duration` seconds (default 180) runs keep coming (an every-3-seconds schedule, and API submissions) while
 * random faults hit the nodes: kill -9 of a worker (started again later), a worker's link cut for 10-40 s, kill -9 of
 * the scheduler leader, a PostgreSQL restart. Then the faults stop, every node is brought back, the schedule paused, and
 * once every run has ended (or a deadline passed) the invariants are checked:
 * - no (schedule, slot) has two runs;
 * - no run is left non-terminal;
 * - no write accepted from a stale fence: nothing recorded on a run after it ended (events, task ends, logs);
 * - at most one commit per run (each run's task commits once to a local repository).
 * Exit code 1 when an invariant fails.
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { Client } from "../src/arraylake/index.ts";
import { pipelineSource, waitFor } from "../test/daemon/helpers.ts";
import { createCluster, type Cluster, type ClusterNode } from "../test/cluster/cluster.ts";
import { emit, round } from "./emit.ts";

const WORK = `async (_, ctx) => {
    await new Promise((r) => setTimeout(r, 500 + Math.random() * 3500));
    const repo = await ctx.arraylake.getRepo("chaos/out");
    const session = await repo.writableSession("main");
    await zarr.create(zarr.root(session.store).resolve("r-" + ctx.runId), { shape: [1], chunkShape: [1], dtype: "float32" });
    return session.commit("run " + ctx.runId, { rebaseAttempts: 50 });
  }`;
const head = `import * as zarr from "zarrita";\n`;
const TICK = head + pipelineSource("chaos-tick", `.task("commit", ${WORK})`,
  `resume: true, schedules: [{ name: "every-3s", cron: "*/3 * * * * *", catchUp: "latest", overlap: "allow" }]`);
const MANUAL = head + pipelineSource("chaos-manual", `.task("prep", async () => { await new Promise((r) => setTimeout(r, Math.random() * 2000)); return 1; })\n  .task("commit", { needs: ["prep"] }, ${WORK})`, "resume: true");

const TERMINAL = "('Completed', 'Failed', 'Cancelled', 'Crashed', 'TimedOut')";

/** A small seeded generator (mulberry32), so a failing sequence of faults can be replayed with --seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} expects a number, got ${args[i + 1]}`);
  return value;
}

const alive = (n: ClusterNode): boolean => n.proc.exitCode === null && n.proc.signalCode === null;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function count(c: Cluster, sql: string, args: unknown[] = []): Promise<number> {
  return Number((await c.store.sql.get<{ n: number }>(sql, args))?.n ?? 0);
}

export default async function chaos(args: string[]): Promise<void> {
  const durationS = flag(args, "duration", 180);
  const seed = flag(args, "seed", Date.now() % 1_000_000);
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const c = await createCluster({
    slots: 6, files: { "pipelines/chaos-tick.ts": TICK, "pipelines/chaos-manual.ts": MANUAL },
    config: `{ daemon: { shutdownGraceMs: 300 }, arraylake: { localReposDir: "repos" }, concurrency: { maxActiveRuns: 12 } }`,
  });
  const actions = { workerKills: 0, linkCuts: 0, leaderKills: 0, postgresRestarts: 0, submitted: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => Promise<unknown>): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn().catch((e: unknown) => process.stderr.write(`chaos: ${(e as Error).message}\n`));
    }, ms);
    timers.add(t);
  };
  try {
    const client = new Client({ localReposDir: join(c.project.dir, "repos") });
    await client.getOrCreateRepo("chaos/out");
    client.close();
    const api = await c.start(0, "api");
    const nodes: ClusterNode[] = [api, await c.start(1, "scheduler"), await c.start(2, "scheduler")];
    for (const i of [3, 4, 5]) nodes.push(await c.start(i, "worker"));
    const cut = new Set<number>();
    const restarting = new Set<number>();
    const restart = (n: ClusterNode, afterMs: number): void => {
      restarting.add(n.index);
      later(afterMs, async () => {
        nodes[n.index] = await c.start(n.index, n.role);
        restarting.delete(n.index);
      });
    };
    const loadBefore = round(loadavg()[0]!, 2);
    const started = Date.now();
    const end = started + durationS * 1000;
    let nextSubmit = started;
    while (Date.now() < end) {
      if (Date.now() >= nextSubmit && alive(nodes[0]!)) {
        await nodes[0]!.request("/api/pipelines/chaos-manual/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
          .then((r) => (r.ok ? actions.submitted++ : undefined), () => undefined);
        nextSubmit = Date.now() + 1000 + rand() * 2000;
      }
      const healthyWorkers = nodes.filter((n) => n.role === "worker" && alive(n) && !cut.has(n.index) && !restarting.has(n.index));
      const roll = rand();
      if (roll < 0.35 && healthyWorkers.length > 1) {
        const w = pick(healthyWorkers)!;
        await w.kill9();
        actions.workerKills++;
        restart(w, 5_000 + rand() * 15_000);
      } else if (roll < 0.7 && healthyWorkers.length > 1) {
        const w = pick(healthyWorkers)!;
        w.net.cut();
        cut.add(w.index);
        actions.linkCuts++;
        later(10_000 + rand() * 30_000, async () => {
          w.net.restore();
          cut.delete(w.index);
        });
      } else if (roll < 0.9) {
        const holder = (await c.store.sql.get<{ holder: string }>("SELECT holder FROM leadership WHERE name = 'scheduler'").catch(() => undefined))?.holder;
        const leader = nodes.find((n) => n.id === holder && n.role === "scheduler" && alive(n) && !restarting.has(n.index));
        if (leader && nodes.some((n) => n.role === "scheduler" && n !== leader && alive(n))) {
          await leader.kill9();
          actions.leaderKills++;
          restart(leader, 5_000 + rand() * 10_000);
        }
      } else {
        await c.restartPostgres(1_000 + rand() * 3_000);
        actions.postgresRestarts++;
      }
      await sleep(4_000 + rand() * 8_000);
    }

    // Faults stop: links back, every node up, the schedule paused; then every run must end.
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const n of nodes) n.net.restore();
    for (const [i, n] of nodes.entries()) if (!alive(n)) nodes[i] = await c.start(n.index, n.role);
    const schedules = (await (await nodes[0]!.request("/api/schedules")).json()) as { items: { id: string }[] };
    for (const s of schedules.items) await nodes[0]!.request(`/api/schedules/${encodeURIComponent(s.id)}/pause`, { method: "POST" });
    const settleStarted = Date.now();
    const nonTerminal = await waitFor(async () => {
      const n = await count(c, `SELECT COUNT(*) AS n FROM runs WHERE state NOT IN ${TERMINAL}`);
      return n === 0 ? { n } : Date.now() - settleStarted > 300_000 ? { n } : undefined;
    }, 310_000, "every run to end").then((r) => r.n);

    const duplicateSlots = await count(c, "SELECT COUNT(*) AS n FROM (SELECT schedule_id, slot_at FROM runs WHERE schedule_id IS NOT NULL GROUP BY schedule_id, slot_at HAVING COUNT(*) > 1) d");
    const eventsAfterEnd = await count(c, "SELECT COUNT(*) AS n FROM events e JOIN runs r ON r.id = e.run_id WHERE r.ended_at IS NOT NULL AND e.at > r.ended_at");
    const taskEndsAfterEnd = await count(c, "SELECT COUNT(*) AS n FROM task_runs t JOIN runs r ON r.id = t.run_id WHERE r.ended_at IS NOT NULL AND t.ended_at > r.ended_at");
    const logsAfterEnd = await count(c, "SELECT COUNT(*) AS n FROM logs l JOIN runs r ON r.id = l.run_id WHERE r.ended_at IS NOT NULL AND l.at > r.ended_at + 1000");
    const runsWithTwoCommits = await count(c, "SELECT COUNT(*) AS n FROM (SELECT run_id FROM commits GROUP BY run_id HAVING COUNT(*) > 1) d");
    const byState = await c.store.sql.all<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM runs GROUP BY state ORDER BY state");
    const resumed = await count(c, "SELECT COUNT(*) AS n FROM runs WHERE retry_of IS NOT NULL");
    const commits = await count(c, "SELECT COUNT(*) AS n FROM commits");
    const fencedRejections = c.allOutput().split("fenced").length - 1;
    const pass = duplicateSlots === 0 && nonTerminal === 0 && eventsAfterEnd === 0 && taskEndsAfterEnd === 0 && logsAfterEnd === 0 && runsWithTwoCommits === 0;
    emit("chaos", {
      target: "random kills and link cuts, then: no slot twice, no run left non-terminal, no write from a stale fence, at most one commit per run",
      durationSeconds: durationS, seed, actions, runs: Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])), resumed, commits,
      duplicateSlots, nonTerminal, eventsAfterEnd, taskEndsAfterEnd, logsAfterEnd, runsWithTwoCommits, fencedRejections,
      settleSeconds: round((Date.now() - settleStarted) / 1000, 1), pass, load1Before: loadBefore, load1After: round(loadavg()[0]!, 2),
    });
    if (!pass) process.exitCode = 1;
  } finally {
    for (const t of timers) clearTimeout(t);
    await c.destroy();
  }
}
