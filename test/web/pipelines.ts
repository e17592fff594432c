/**
 * Pipelines the web tests run for real. `ocean` reads and commits a real local Icechunk repository; its lineage is
 * written to the test store by a small observer (the stand-in for the run process's lineage wiring), and one task
 * fails its first attempt so retries show on the timeline.
 */
import * as zarr from "zarrita";
import { Client } from "../../src/arraylake/index.ts";
import type { RunEventSink } from "../../src/core/events.ts";
import { pipeline, z } from "../../src/index.ts";

export interface Lineage {
  /** Set once the test store exists. */
  sink: RunEventSink | undefined;
  reposDir: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function oceanPipeline(lineage: Lineage, opts: { stepMs: number }) {
  const clientFor = (runId: string, task: string): Client =>
    new Client({
      env: {}, localReposDir: lineage.reposDir,
      observer: {
        onRead: (e) => lineage.sink?.emit({ type: "snapshot:read", runId, task, ...e, at: Date.now() }),
        onCommit: (e) => lineage.sink?.emit({ type: "snapshot:commit", runId, task, ...e, at: Date.now() }),
      },
    });
  return pipeline({
    name: "ocean",
    description: "Seasonal sea-surface temperature means <b>for</b> a region",
    params: z.object({
      region: z.enum(["north", "south"]).default("north"),
      years: z.number().int().min(1).max(50).default(3),
      scale: z.number().default(1.5),
      dryRun: z.boolean().default(false),
      label: z.string().default("sst"),
    }),
    schedules: [{ name: "hourly", cron: "0 * * * *", timezone: "UTC" }],
  })
    .task("fetch", async ({ params }, ctx) => {
      ctx.log.info(`fetching ${params.years} years for ${params.region}`);
      await sleep(opts.stepMs);
      return params.years;
    })
    .task("reduce", { needs: ["fetch"], retries: { attempts: 2, delay: "10ms" } }, async ({ upstream }, ctx) => {
      await sleep(opts.stepMs / 2);
      if (ctx.attempt === 1) throw new Error("transient: worker lost");
      ctx.log.warn(`reduced ${upstream.fetch} years on attempt ${ctx.attempt}`);
      return upstream.fetch * 4;
    })
    .task("publish", { needs: ["reduce"] }, async ({ params, upstream }, ctx) => {
      const client = clientFor(ctx.runId, "publish");
      try {
        const repo = await client.getOrCreateRepo("ocean/sst");
        await repo.readonlySession({ branch: "main" });
        const session = await repo.writableSession("main");
        await zarr.create(zarr.root(session.store).resolve(`sst-${ctx.runId}`), { shape: [upstream.reduce], dtype: "float32", chunkShape: [4] });
        const snapshot = await session.commit(`seasonal means for ${params.region}`);
        ctx.log.info(`committed ${snapshot}`);
        return snapshot;
      } finally {
        client.close();
      }
    });
}

/** A pipeline whose current code is broken, still running its last good version. */
export const brokenLastGood = pipeline({ name: "broken" }).task("only", () => 1);

/** Many runs, for pagination. */
export const quick = pipeline({ name: "quick" }).task("noop", () => 0);
