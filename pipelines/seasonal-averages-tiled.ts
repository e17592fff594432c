/**
 * The seed job by lat-lon tiles, spread over a cluster's workers: the same seasonal means as `seasonal-averages`
 * (`ds[[variable]].groupby("time.season").mean("time")`), computed tile by tile as a distributed `.map`, landing
 * exactly one commit on the target branch.
 *
 * How the tiles' writes become one commit (the Icechunk JS binding cannot fork a session into other processes and
 * merge it back):
 * 1. `prepare` makes a run-scoped branch `floe-run-<run id>` at the target branch's head, writes the output's
 *    metadata there (a template whose chunks are the tiles) and commits it.
 * 2. each `tile` job (any worker) computes its tile and region-writes it to the run branch, then commits there,
 *    rebasing when another tile committed first: tiles write disjoint chunks, so rebases never conflict. A tile run
 *    twice (its worker was killed, the job claimed again) writes the same values again.
 * 3. `land` checks that the target branch is still where the run started (compare-and-swap on its head; a commit
 *    of this run already there means it landed before a retry), copies the result from the run branch's head (small:
 *    seasons x lat x lon) into one session on the target branch and commits once, without rebasing, so a branch
 *    that moved meanwhile fails the commit instead of merging into it. The run branch is deleted afterwards.
 * Run it on one machine (floe/testing, `floe run`, a SQLite daemon) or on a cluster: the result is the same.
 */
import { NonRetriableError, pipeline, z } from "floe";
import { LazyDataset, slice, writeDataset, writeRegion, writeTemplate } from "floe/data";

const Tile = z.object({ index: z.number(), lat: z.tuple([z.number(), z.number()]), lon: z.tuple([z.number(), z.number()]) });
type Tile = z.infer<typeof Tile>;

/** `tiles` split as a grid of rows x columns (rows the largest divisor not above its square root). */
function tileGrid(tiles: number, nlat: number, nlon: number): { tiles: Tile[]; chunkLat: number; chunkLon: number } {
  let rows = Math.floor(Math.sqrt(tiles));
  while (tiles % rows !== 0) rows--;
  const chunkLat = Math.ceil(nlat / Math.min(rows, nlat));
  const chunkLon = Math.ceil(nlon / Math.min(tiles / rows, nlon));
  const out: Tile[] = [];
  for (let a = 0; a < nlat; a += chunkLat) {
    for (let b = 0; b < nlon; b += chunkLon) out.push({ index: out.length, lat: [a, Math.min(nlat, a + chunkLat)], lon: [b, Math.min(nlon, b + chunkLon)] });
  }
  return { tiles: out, chunkLat, chunkLon };
}

const runBranch = (runId: string): string => `floe-run-${runId}`;
const landMessage = (runId: string): string => `seasonal averages by tiles (run ${runId})`;

export default pipeline({
  name: "seasonal-averages-tiled",
  description: "Seasonal mean ocean temperature computed by lat-lon tiles on the cluster's workers, landed as one commit",
  params: z.object({
    repo: z.string().default("my-climate-company/ocean-data").describe("Repository, org/name"),
    source: z.string().default("xarray/ocean-temp").describe("Group holding the daily data (dimensions time, lat, lon)"),
    target: z.string().default("xarray/avg-season-temps").describe("Group to write the means to"),
    variable: z.string().default("temp").describe("Variable to average"),
    branch: z.string().default("main"),
    tiles: z.number().int().min(1).max(256).default(4).describe("Lat-lon tiles (a grid of rows x columns), one task job each"),
  }),
})
  .task("load", async ({ params }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    // The target branch's head now: the tiles read this snapshot, and `land` lands only if the branch is still here.
    const session = await repo.readonlySession({ branch: params.branch });
    const ds = await LazyDataset.open(session, { group: params.source });
    const means = ds.get([params.variable]).groupby("time.season").mean("time");
    const array = means.get(params.variable);
    if (array.dims.join() !== "season,lat,lon") throw new NonRetriableError(`${params.source}/${params.variable}: expected dimensions time, lat, lon; its means have ${array.dims.join(", ")}`);
    const [seasons, nlat, nlon] = array.shape as [number, number, number];
    return { snapshotId: session.snapshotId, seasons, nlat, nlon };
  })
  .task("prepare", { needs: ["load"] }, async ({ params, upstream }, ctx) => {
    const { snapshotId, seasons, nlat, nlon } = upstream.load;
    const grid = tileGrid(params.tiles, nlat, nlon);
    const repo = await ctx.arraylake.getRepo(params.repo);
    const branch = runBranch(ctx.runId);
    // A retried prepare finds its branch: start it again from the run's snapshot.
    if ((await repo.listBranches()).includes(branch)) await repo.resetBranch(branch, snapshotId);
    else await repo.createBranch(branch, snapshotId);
    const session = await repo.writableSession(branch);
    const ds = await LazyDataset.open(session, { group: params.source });
    const means = ds.get([params.variable]).groupby("time.season").mean("time");
    await writeTemplate(session, params.target, means, { chunks: { [params.variable]: [seasons, grid.chunkLat, grid.chunkLon] } });
    await session.commit(`template for run ${ctx.runId}`);
    ctx.log.info(`${grid.tiles.length} tiles of ${grid.chunkLat} x ${grid.chunkLon} cells on branch ${branch}`);
    return grid.tiles;
  })
  .map("tile", { over: "prepare", needs: ["load"], distribute: true, retries: { attempts: 2, delay: "1s" } }, async ({ params, upstream, item }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    const source = await repo.readonlySession({ snapshotId: upstream.load.snapshotId });
    const ds = await LazyDataset.open(source, { group: params.source });
    const region = { lat: slice(item.lat[0], item.lat[1]), lon: slice(item.lon[0], item.lon[1]) };
    const means = await ds.get([params.variable]).isel(region).groupby("time.season").mean("time").compute();
    const session = await repo.writableSession(runBranch(ctx.runId));
    // The data variable only: the template holds the coordinates whole.
    const data = { group: means.group, attrs: means.attrs, dims: means.dims, coords: [], dataVars: [params.variable], variables: { [params.variable]: means.variables[params.variable]! } };
    await writeRegion(session, params.target, data, { region: { lat: item.lat, lon: item.lon } });
    // Tiles write disjoint chunks: a commit that lost the race rebases without conflict.
    const snapshotId = await session.commit(`tile ${item.index} of run ${ctx.runId}`, { rebaseAttempts: 50 });
    ctx.log.info(`tile ${item.index} (lat ${item.lat.join("-")}, lon ${item.lon.join("-")}) committed ${snapshotId} on pid ${process.pid}`);
    return { index: item.index, snapshotId, pid: process.pid };
  })
  .task("land", { needs: ["load", "tile"], pool: "arraylake-writes", retries: { attempts: 2, delay: "1s" } }, async ({ params, upstream }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    const branch = runBranch(ctx.runId);
    const target = await repo.writableSession(params.branch);
    const head = (await repo.ancestry({ snapshotId: target.snapshotId }))[0];
    if (head?.message === landMessage(ctx.runId)) {
      ctx.log.info(`already landed as ${target.snapshotId} (a retry)`);
    } else {
      if (target.snapshotId !== upstream.load.snapshotId) {
        throw new NonRetriableError(`branch ${params.branch} moved from ${upstream.load.snapshotId} to ${target.snapshotId} during the run; run again to average the new data`);
      }
      const tiled = await LazyDataset.open(await repo.readonlySession({ branch }), { group: params.target });
      await writeDataset(target, params.target, await tiled.compute());
      // No rebase: if the branch moved since `target` opened, this commit fails (the compare-and-swap).
      await target.commit(landMessage(ctx.runId));
      ctx.log.info(`landed ${upstream.tile.length} tiles as one commit ${target.snapshotId} on ${params.repo}@${params.branch}`);
    }
    if ((await repo.listBranches()).includes(branch)) await repo.deleteBranch(branch);
    return { repo: params.repo, branch: params.branch, snapshotId: target.snapshotId, tiles: upstream.tile.length };
  });
