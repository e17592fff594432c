/**
 * @module `npm run bench -- failover [rounds]`: how fast the cluster recovers, on floe nodes in their own network
 * namespaces (test/cluster/) sharing one PostgreSQL, with the default leases (run claims 30 s, scheduler 15 s):
 * - worker death: a `resume: true` run is running on a worker, the worker is killed (-9); the time until the run's
 *   resume is running on another worker. Target p50 <= 35 s.
 * - scheduler leader loss: an every-5-seconds schedule, the leading scheduler is killed (-9); the time until the next
 *   slot's run exists (fired by the other scheduler). Target <= 20 s (every round).
 * Killed nodes are started again between rounds. Needs root (ip netns).
 */
import { cpus, loadavg } from "node:os";
import { pipelineSource, waitFor } from "../test/daemon/helpers.ts";
import { createCluster, type Cluster, type ClusterNode } from "../test/cluster/cluster.ts";
import { emit, median, round } from "./emit.ts";

const SLOW = pipelineSource("slow", `.task("a", () => 1).task("b", { needs: ["a"] }, async () => { await new Promise((r) => setTimeout(r, 300_000)); return 2; })`, "resume: true");
const TICK = pipelineSource("tick", `.task("t", () => "tock")`, `schedules: [{ name: "every-5s", cron: "*/5 * * * * *", catchUp: "latest", overlap: "allow" }]`);

const load = (): number => round(loadavg()[0]!, 2);

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function workerDeath(c: Cluster, api: ClusterNode, workers: ClusterNode[], rounds: number): Promise<number[]> {
  const seconds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const run = await json<{ id: string }>(await api.request("/api/pipelines/slow/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }));
    const on = await waitFor(async () => {
      const row = await c.store.sql.get<{ node: string | null; state: string }>(
        "SELECT r.node, t.state FROM runs r JOIN task_runs t ON t.run_id = r.id AND t.task = 'b' WHERE r.id = ?", [run.id]);
      return row?.state === "Running" && row.node ? row.node : undefined;
    }, 120_000, "the slow run's task b running");
    const victim = workers.find((w) => w.id === on)!;
    await victim.kill9();
    const killedAt = Date.now();
    const resumed = await waitFor(async () => {
      const row = await c.store.sql.get<{ id: string; node: string | null; state: string }>(
        `SELECT r.id, r.node, t.state FROM runs r JOIN task_runs t ON t.run_id = r.id AND t.task = 'b'
         WHERE r.retry_of = ? AND t.state = 'Running'`, [run.id]);
      return row ? row : undefined;
    }, 180_000, "the resumed run running elsewhere");
    seconds.push((Date.now() - killedAt) / 1000);
    if (resumed.node === victim.id) throw new Error("the run resumed on the node that was killed");
    await api.request(`/api/runs/${resumed.id}/cancel`, { method: "POST" });
    workers[workers.indexOf(victim)] = await c.start(victim.index, "worker");
  }
  return seconds;
}

async function leaderLoss(c: Cluster, schedulers: ClusterNode[], rounds: number): Promise<number[]> {
  const seconds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const holder = await waitFor(async () => {
      const row = await c.store.sql.get<{ holder: string; expires_at: number }>("SELECT holder, expires_at FROM leadership WHERE name = 'scheduler'");
      return row && Number(row.expires_at) > Date.now() && schedulers.some((s) => s.id === row.holder) ? row.holder : undefined;
    }, 120_000, "a scheduler leader");
    // Wait for a fired slot, so the leader is steady, then kill it just after a slot.
    const victim = schedulers.find((s) => s.id === holder)!;
    await victim.kill9();
    const killedAt = Date.now();
    await waitFor(async () => {
      const row = await c.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE schedule_id IS NOT NULL AND slot_at > ?", [killedAt]);
      return Number(row?.n) > 0;
    }, 120_000, "the next slot fired");
    seconds.push((Date.now() - killedAt) / 1000);
    schedulers[schedulers.indexOf(victim)] = await c.start(victim.index, "scheduler");
  }
  return seconds;
}

export default async function failover(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 3);
  const c = await createCluster({ slots: 5, files: { "pipelines/slow.ts": SLOW, "pipelines/tick.ts": TICK }, config: "{ daemon: { shutdownGraceMs: 300 } }" });
  try {
    const api = await c.start(0, "api");
    const schedulers = [await c.start(1, "scheduler"), await c.start(2, "scheduler")];
    const workers = [await c.start(3, "worker"), await c.start(4, "worker")];
    const loadBefore = load();
    const death = await workerDeath(c, api, workers, rounds);
    emit("failover", {
      case: "worker-death", target: "kill -9 of the worker running a resume: true run -> the resume running on another worker",
      rounds, p50Seconds: round(median(death), 1), maxSeconds: round(Math.max(...death), 1), roundsSeconds: death.map((s) => round(s, 1)),
      leaseMs: 30_000, targetP50Seconds: 35, pass: median(death) <= 35, load1Before: loadBefore, load1After: load(), cores: cpus().length,
    });
    const lossBefore = load();
    const loss = await leaderLoss(c, schedulers, rounds);
    emit("failover", {
      case: "scheduler-leader-loss", target: "kill -9 of the leading scheduler -> the next slot of an every-5 s schedule fired by another",
      rounds, p50Seconds: round(median(loss), 1), maxSeconds: round(Math.max(...loss), 1), roundsSeconds: loss.map((s) => round(s, 1)),
      leaderTtlMs: 15_000, targetSeconds: 20, pass: Math.max(...loss) <= 20, load1Before: lossBefore, load1After: load(), cores: cpus().length,
    });
  } finally {
    await c.destroy();
  }
}
