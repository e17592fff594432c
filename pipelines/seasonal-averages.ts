/**
 * The seed's nightly job: read the ocean temperature dataset, compute seasonal means, write them back as a new
 * group and commit a new version. The `average` task is what one writes with xarray:
 * `ds[[variable]].groupby("time.season").mean("time")`. On a fresh machine `npm run dev` (or `floe demo seed`)
 * creates the synthetic source dataset.
 */
import { pipeline, z } from "floe";
import { LazyDataset, openDataset, writeDataset } from "floe/data";

export default pipeline({
  name: "seasonal-averages",
  description: "Seasonal mean ocean temperature (DJF, JJA, MAM, SON), written back and committed",
  params: z.object({
    repo: z.string().default("my-climate-company/ocean-data").describe("Repository, org/name"),
    source: z.string().default("xarray/ocean-temp").describe("Group holding the daily data"),
    target: z.string().default("xarray/avg-season-temps").describe("Group to write the means to"),
    variable: z.string().default("temp").describe("Variable to average"),
    branch: z.string().default("main"),
  }),
  schedules: [{ name: "nightly", cron: "0 2 * * *", timezone: "UTC", catchUp: "latest", overlap: "skip" }],
})
  .task("load", async ({ params }, ctx) => {
    // Pin the snapshot: every later task reads exactly what this one saw.
    const repo = await ctx.arraylake.getRepo(params.repo).catch((error: Error) => {
      // The demo repository appears with `npm run dev` on a fresh machine, or on request.
      if (params.repo === "my-climate-company/ocean-data") error.message += "; create the demo data with `npx floe demo seed`";
      throw error;
    });
    const session = await repo.readonlySession({ branch: params.branch });
    const ds = await openDataset(session, { group: params.source });
    const variable = ds.variables[params.variable];
    if (!variable) throw new Error(`variable "${params.variable}" not found in ${params.source}; it has ${ds.dataVars.join(", ")}`);
    ctx.log.info(`${params.source}/${params.variable}: ${variable.dims.join(" x ")} = ${variable.shape.join(" x ")} (${variable.dtype})`);
    return { snapshotId: session.snapshotId, dims: [...variable.dims], shape: [...variable.shape], dtype: variable.dtype };
  })
  .task("average", { needs: ["load"] }, async ({ params, upstream }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    const session = await repo.readonlySession({ snapshotId: upstream.load.snapshotId });
    const ds = await LazyDataset.open(session, { group: params.source });
    const started = Date.now();
    // Lazy until compute(): one streamed pass over the chunks, then the four seasons held in memory.
    const means = await ds.get([params.variable]).groupby("time.season").mean("time").compute();
    ctx.log.info(`seasonal means of ${params.variable} in ${Date.now() - started} ms: ${JSON.stringify(means.dims)}`);
    return means;
  })
  .task("write", { needs: ["average"], pool: "arraylake-writes", retries: { attempts: 2, delay: "1s" } }, async ({ params, upstream }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    const session = await repo.writableSession(params.branch);
    await writeDataset(session, params.target, upstream.average);
    const snapshotId = await session.commit("wrote seasonal average temps", { rebaseAttempts: 3 });
    ctx.log.info(`committed ${snapshotId} to ${params.repo}@${params.branch}`);
    // A picture of what was written, on the run page: the first season's mean.
    await ctx.artifact.quicklook({ repo: params.repo, array: `${params.target}/${params.variable}`, snapshotId });
    return { repo: params.repo, branch: params.branch, snapshotId };
  });
