/**
 * @module `npm run bench -- chaos [--duration S] [--seed N] [--lease-ms MS]`: a bounded, self-stopping chaos run on a
 * cluster of floe nodes in their own network namespaces (1 api, 2 schedulers, 3 workers; test/cluster/) sharing one
 * PostgreSQL. For `--duration` seconds (default 180) runs keep coming (an every-3-seconds schedule, and API
 * submissions) while random faults hit the nodes: kill -9 of a worker (started again 5-20 s later), a worker's link
 * cut for 10-40 s, kill -9 of the scheduler leader, a PostgreSQL restart. Then the faults stop, every node is brought
 * back, the schedule paused, and once every run has ended for 15 s (or 300 s passed) the invariants of `chaos-checks.ts` are
 * checked. One JSON line says what happened and whether every invariant held (exit code 1 when one did not). A
 * watchdog ends the bench (pass: false) if it runs past its bound. Needs root (ip netns).
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { Client } from "../src/arraylake/index.ts";
import { pipelineSource, waitFor } from "../test/daemon/helpers.ts";
import { createCluster, type Cluster, type ClusterNode } from "../test/cluster/cluster.ts";
import { checkInvariants, holds, TERMINAL } from "./chaos-checks.ts";
import { emit, round } from "./emit.ts";

// Each execution commits once, its message naming the run and when the execution started (chaos-checks.ts).
const WORK = `async (_, ctx) => {
    const startedAt = Date.now();
    await new Promise((r) => setTimeout(r, 500 + Math.random() * 3500));
    const repo = await ctx.arraylake.getRepo("chaos/out");
    const session = await repo.writableSession("main");
    await zarr.create(zarr.root(session.store).resolve("r-" + ctx.runId), { shape: [1], chunkShape: [1], dtype: "float32" });
    return session.commit("chaos run=" + ctx.runId + " started=" + startedAt, { rebaseAttempts: 50 });
  }`;
const head = `import * as zarr from "zarrita";\n`;
const TICK = head + pipelineSource("chaos-tick", `.task("commit", ${WORK})`,
  `resume: true, schedules: [{ name: "every-3s", cron: "*/3 * * * * *", catchUp: "latest", overlap: "allow" }]`);
const MANUAL = head + pipelineSource("chaos-manual", `.task("prep", async () => { await new Promise((r) => setTimeout(r, Math.random() * 2000)); return 1; })\n  .task("commit", { needs: ["prep"] }, ${WORK})`, "resume: true");

const SETTLE_MS = 300_000;
const QUIET_MS = 15_000;

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
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`chaos: --${name} expects a number, got ${JSON.stringify(args[i + 1])}\n`);
    process.exit(2);
  }
  return value;
}

const alive = (n: ClusterNode): boolean => n.proc.exitCode === null && n.proc.signalCode === null;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const warn = (e: unknown): void => void process.stderr.write(`chaos: ${(e as Error).message.slice(0, 400)}\n`);

/**
 * Brings nodes up by index, at most one start per index at a time: a second request while one is in progress joins
 * it (two processes with one node id would be refused, `node id ... is in use`). A failed start (PostgreSQL down, say)
 * is retried after its process has exited.
 */
function nodeStarter(c: Cluster, nodes: ClusterNode[], env: Record<string, string>) {
  const starting = new Map<number, Promise<void>>();
  const bringUp = (index: number, role: string): Promise<void> => {
    const inFlight = starting.get(index);
    if (inFlight) return inFlight;
    const started = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          nodes[index] = await c.start(index, role, env);
          return;
        } catch (error) {
          await Promise.all(c.nodes.filter((n) => n.index === index).map((n) => n.exited));
          if (attempt >= 5) throw error;
          warn(error);
          await sleep(2_000);
        }
      }
    })().finally(() => starting.delete(index));
    starting.set(index, started);
    return started;
  };
  return { bringUp, busy: (index: number) => starting.has(index), settled: () => Promise.allSettled([...starting.values()]) };
}

export default async function chaos(args: string[]): Promise<void> {
  const durationS = flag(args, "duration", 180);
  const seed = flag(args, "seed", Date.now() % 1_000_000);
  const leaseMs = flag(args, "lease-ms", 10_000);
  const rand = random(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const began = Date.now();
  // Bound: the faults, the settle wait, and node restarts (up to 180 s each under load) with room to spare.
  const boundMs = durationS * 1000 + SETTLE_MS + 15 * 60_000;
  const c = await createCluster({
    slots: 6, files: { "pipelines/chaos-tick.ts": TICK, "pipelines/chaos-manual.ts": MANUAL },
    config: `{ daemon: { shutdownGraceMs: 300 }, arraylake: { localReposDir: "repos" }, concurrency: { maxActiveRuns: 12 } }`,
  });
  const watchdog = setTimeout(() => {
    emit("chaos", { durationSeconds: durationS, seed, pass: false, error: `watchdog: still running after ${Math.round(boundMs / 1000)} s` });
    void c.destroy().finally(() => process.exit(1));
  }, boundMs);
  const env = { FLOE_LEASE_MS: String(leaseMs) };
  const actions = { workerKills: 0, linkCuts: 0, leaderKills: 0, postgresRestarts: 0, submitted: 0, submitFailures: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => Promise<unknown>): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn().catch(warn);
    }, ms);
    timers.add(t);
  };
  const client = new Client({ localReposDir: join(c.project.dir, "repos") });
  try {
    await client.getOrCreateRepo("chaos/out");
    const nodes: ClusterNode[] = await Promise.all([
      c.start(0, "api", env), c.start(1, "scheduler", env), c.start(2, "scheduler", env),
      c.start(3, "worker", env), c.start(4, "worker", env), c.start(5, "worker", env),
    ]);
    const starter = nodeStarter(c, nodes, env);
    const cut = new Set<number>();
    // Killed and not yet back (a restart scheduled or in progress): never picked for another fault.
    const down = new Set<number>();
    const killAndRestart = async (n: ClusterNode, afterMs: number): Promise<void> => {
      down.add(n.index);
      await n.kill9();
      later(afterMs, () => starter.bringUp(n.index, n.role).finally(() => down.delete(n.index)));
    };
    const api = (): ClusterNode => nodes[0]!;
    const loadBefore = round(loadavg()[0]!, 2);
    let loadMax = loadBefore;
    const loadSampler = setInterval(() => void (loadMax = Math.max(loadMax, round(loadavg()[0]!, 2))), 5_000);
    timers.add(loadSampler);
    const faultsStarted = Date.now();
    const end = faultsStarted + durationS * 1000;
    let nextSubmit = faultsStarted;
    while (Date.now() < end) {
      if (Date.now() >= nextSubmit) {
        await api().request("/api/pipelines/chaos-manual/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
          .then((r) => (r.ok ? actions.submitted++ : actions.submitFailures++), () => actions.submitFailures++);
        nextSubmit = Date.now() + 1000 + rand() * 2000;
      }
      const healthyWorkers = nodes.filter((n) => n.role === "worker" && alive(n) && !cut.has(n.index) && !down.has(n.index) && !starter.busy(n.index));
      const roll = rand();
      if (roll < 0.35 && healthyWorkers.length > 1) {
        await killAndRestart(pick(healthyWorkers)!, 5_000 + rand() * 15_000);
        actions.workerKills++;
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
        const schedulers = nodes.filter((n) => n.role === "scheduler" && alive(n) && !down.has(n.index) && !starter.busy(n.index));
        const leader = schedulers.find((n) => n.id === holder);
        if (leader && schedulers.length > 1) {
          await killAndRestart(leader, 5_000 + rand() * 10_000);
          actions.leaderKills++;
        }
      } else {
        await c.restartPostgres(1_000 + rand() * 3_000);
        actions.postgresRestarts++;
      }
      await sleep(4_000 + rand() * 8_000);
    }

    // Faults stop: pending restarts are done now (joining any in progress), links back, the schedule paused.
    for (const t of timers) if (t !== loadSampler) clearTimeout(t);
    timers.clear();
    timers.add(loadSampler);
    for (const n of nodes) n.net.restore();
    await starter.settled();
    for (const n of [...nodes]) if (!alive(n)) await starter.bringUp(n.index, n.role);
    const schedules = (await (await api().request("/api/schedules")).json()) as { items: { id: string }[] };
    for (const s of schedules.items) await api().request(`/api/schedules/${encodeURIComponent(s.id)}/pause`, { method: "POST" });
    // Every run ended, and still so a while later: a run crashed by lease expiry gets its resume a moment after.
    const settleStarted = Date.now();
    let quietSince: number | undefined;
    await waitFor(async () => {
      const open = await c.store.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM runs WHERE state NOT IN (${TERMINAL.map((s) => `'${s}'`).join(", ")})`);
      quietSince = Number(open?.n) === 0 ? (quietSince ?? Date.now()) : undefined;
      return (quietSince !== undefined && Date.now() - quietSince > QUIET_MS) || Date.now() - settleStarted > SETTLE_MS;
    }, SETTLE_MS + 10_000, "every run to end");
    const settleSeconds = round((Date.now() - settleStarted) / 1000, 1);

    const { invariants, observations, examples } = await checkInvariants(c.store, await client.getRepo("chaos/out"));
    const byState = await c.store.sql.all<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM runs GROUP BY state ORDER BY state");
    const resumed = await c.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE retry_of IS NOT NULL");
    const pass = holds(invariants);
    emit("chaos", {
      target: "random kills, link cuts, leader kills and PostgreSQL restarts, then: no slot run twice, no run left non-terminal, no result from a stale fence, at most one commit per run",
      durationSeconds: durationS, seed, leaseMs, actions,
      runs: Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])), resumed: Number(resumed?.n ?? 0),
      invariants, observations, examples, fencedRejections: c.allOutput().split("is stale (another node claimed the run)").length - 1,
      settleSeconds, totalSeconds: round((Date.now() - began) / 1000, 1), pass,
      load1Before: loadBefore, load1Max: loadMax, load1After: round(loadavg()[0]!, 2),
    });
    // Set again at exit: the WebAssembly build's WASI runtime may end the process with a code of its own.
    if (!pass) process.once("exit", () => void (process.exitCode = 1));
  } finally {
    clearTimeout(watchdog);
    for (const t of timers) clearTimeout(t); // the load sampler (an interval) too
    client.close();
    await c.destroy();
  }
}
