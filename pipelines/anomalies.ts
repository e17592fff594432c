/**
 * Monthly anomalies of the ocean temperature dataset, the way a climate team writes them with xarray:
 *   climatology = da.sel(time=slice(baselineStart, baselineEnd)).groupby("time.month").mean("time")
 *   anomaly     = da.groupby("time.month") - climatology
 *   global-mean = anomaly.weighted(cos(deg2rad(lat))).mean(("lat", "lon"))
 * written as three groups under `target` and committed once. The anomaly streams chunk by chunk from the
 * pinned snapshot into the repository: memory stays a few chunks whatever the length of the time axis.
 */
import { pipeline, z } from "floe";
import { type DataArray, LazyDataset, openDataset, slice, writeDataset } from "floe/data";

const dateString = z.string().regex(/^-?\d{4}(-\d{1,2}(-\d{1,2}([T ]\d{1,2}(:\d{2}(:\d{2})?)?)?)?)?$/, "a date such as 2001, 2001-03 or 2001-03-15");

export default pipeline({
  name: "anomalies",
  description: "Monthly climatology over a baseline, anomalies against it and their area-weighted global mean, committed",
  params: z.object({
    repo: z.string().default("my-climate-company/ocean-data").describe("Repository, org/name"),
    source: z.string().default("xarray/ocean-temp").describe("Group holding the daily data"),
    target: z.string().default("xarray/anomalies").describe("Group to write climatology, anomaly and global-mean under"),
    variable: z.string().default("temp").describe("Variable to use"),
    branch: z.string().default("main"),
    baselineStart: dateString.optional().describe("First date of the baseline, in the dataset's calendar (default: the start)"),
    baselineEnd: dateString.optional().describe("Last date of the baseline, inclusive of its whole span (default: the end)"),
  }),
  schedules: [{ name: "nightly", cron: "30 2 * * *", timezone: "UTC", catchUp: "latest", overlap: "skip" }],
})
  .task("load", async ({ params }, ctx) => {
    // Pin the snapshot: every later task reads exactly what this one saw.
    const repo = await ctx.arraylake.getRepo(params.repo).catch((error: Error) => {
      if (params.repo === "my-climate-company/ocean-data") error.message += "; create the demo data with `npx floe demo seed`";
      throw error;
    });
    const session = await repo.readonlySession({ branch: params.branch });
    const da = await source(session, params);
    // A baseline date that does not exist in the calendar, or selects nothing, fails here with the reason.
    const baseline = da.sel({ time: slice(params.baselineStart, params.baselineEnd) });
    if (baseline.sizes.time === 0) throw new Error(`baseline ${params.baselineStart ?? "start"} to ${params.baselineEnd ?? "end"} selects no time step`);
    ctx.log.info(`${params.source}/${params.variable}: ${da.dims.join(" x ")} = ${da.shape.join(" x ")}; baseline of ${baseline.sizes.time} steps`);
    return { snapshotId: session.snapshotId, dims: [...da.dims], shape: [...da.shape], baselineSteps: baseline.sizes.time! };
  })
  .task("climatology", { needs: ["load"] }, async ({ params, upstream }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    const da = await source(await repo.readonlySession({ snapshotId: upstream.load.snapshotId }), params);
    const started = Date.now();
    // Small (month x lat x lon): computed once and kept in memory for the anomaly.
    const climatology = await da.sel({ time: slice(params.baselineStart, params.baselineEnd) }).groupby("time.month").mean("time").compute();
    ctx.log.info(`climatology ${climatology.shape.join(" x ")} in ${Date.now() - started} ms`);
    return climatology;
  })
  .task("write", { needs: ["load", "climatology"], pool: "arraylake-writes", retries: { attempts: 2, delay: "1s" } }, async ({ params, upstream }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    const da = await source(await repo.readonlySession({ snapshotId: upstream.load.snapshotId }), params);
    const climatology = upstream.climatology;
    const anomaly = da.groupby("time.month").sub(climatology).rename(params.variable);
    const weights = anomaly.coord("lat").deg2rad().cos();
    const globalMean = anomaly.weighted(weights).mean(["lat", "lon"]).rename(params.variable);
    const session = await repo.writableSession(params.branch);
    const started = Date.now();
    for (const [name, array] of [["climatology", climatology], ["anomaly", anomaly], ["global-mean", globalMean]] as const) {
      await writeDataset(session, `${params.target}/${name}`, new LazyDataset({ arrays: { [params.variable]: array } }));
    }
    const snapshotId = await session.commit("wrote monthly anomalies", { rebaseAttempts: 3 });
    ctx.log.info(`wrote ${params.target}/{climatology,anomaly,global-mean} in ${Date.now() - started} ms; committed ${snapshotId}`);
    // A picture of what was written, on the run page: the anomaly of the first time step.
    await ctx.artifact.quicklook({ repo: params.repo, array: `${params.target}/anomaly/${params.variable}`, snapshotId, title: "Anomaly, first time step" });
    return { repo: params.repo, branch: params.branch, snapshotId };
  });

/** The source variable as a lazy labelled array at a pinned session. */
async function source(session: Parameters<typeof openDataset>[0], params: { source: string; variable: string }): Promise<DataArray> {
  const ds = await LazyDataset.from(await openDataset(session, { group: params.source }));
  if (!(params.variable in ds.arrays)) throw new Error(`variable "${params.variable}" not found in ${params.source}; it has ${ds.dataVars.join(", ")}`);
  const da = ds.get(params.variable);
  for (const dim of ["time", "lat", "lon"]) {
    if (!da.dims.includes(dim)) throw new Error(`${params.source}/${params.variable} has no "${dim}" dimension (dimensions: ${da.dims.join(", ")})`);
  }
  return da;
}
