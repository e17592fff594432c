/**
 * Time operations on a Zarr v2 store imported into a repository (`floe repo import`) agree with xarray exactly as
 * they do on the folder: groupby, resample, rolling (mean and median), weighted, quantile, read through a
 * readonly session of the local repository.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type DataArray, LazyDataset } from "floe/data";
import { main } from "../../src/cli/main.ts";
import { COLUMNS, type Expected, disagreements, expected } from "../data/time-helpers.ts";
import { localClient, tempDir } from "./helpers.ts";

const DATA = new URL("../fixtures/data/", import.meta.url).pathname;
const gaps = JSON.parse(readFileSync(join(DATA, "ops", "expected-gaps.json"), "utf8")) as Record<string, Record<string, Record<string, Expected>>>;

/** Values at the rows and (lat, lon) columns the generators kept, for (time or group, lat, lon) results. */
async function agree(result: DataArray, want: Expected, what: string): Promise<void> {
  assert.deepEqual(result.dims, want.dims, `${what}: dims`);
  const values = Float64Array.from((await result.values()) as ArrayLike<number | bigint>, Number);
  const [n, nlat, nlon] = result.shape as [number, number, number];
  const rows = want.rows ?? [...Array(n).keys()];
  // Small results were kept whole, big ones at a few (lat, lon) columns.
  const kept = want.values.length === values.length ? [...values] : rows.flatMap((t) => COLUMNS.map(([y, x]) => values[(t * nlat + y) * nlon + x]!));
  const { bad, nan, worst } = disagreements(kept, want.values);
  assert.ok(bad === 0 && nan === 0, `${what}: ${bad} values and ${nan} NaN differ (first ${worst})`);
}

test("a v2 store imported into a repository computes as xarray does on the folder", async () => {
  const cwd = tempDir();
  const repoPath = join(cwd, "repo");
  const io = { stdout: () => undefined, stderr: () => undefined, env: { FLOE_STATE_DIR: join(cwd, "state") }, cwd, isTTY: false };
  assert.equal(await main(["repo", "import", join(DATA, "ops", "v2-360day.zarr"), repoPath, "daily", "--create"], io), 0);
  const repo = await localClient().getRepo(repoPath);
  const temp = (await LazyDataset.open(await repo.readonlySession({ branch: "main" }), { group: "daily" })).get("temp");
  const time = expected["360_day"];
  await agree(temp.groupby("time.month").mean(), time.groupby["month.mean"]!, "groupby month mean");
  await agree(temp.groupby("time.month").median(), time.groupby["month.median"]!, "groupby month median");
  await agree(temp.resample({ time: "MS" }).mean(), time.resample["MS.mean"]!, "resample MS");
  await agree(temp.rolling({ time: 7 }, { center: true }).mean(), time.rolling!["7.True.None.mean"]!, "rolling mean");
  await agree(temp.rolling({ time: 7 }, { center: true }).median(), gaps["360_day"]!.rolling_median!["7.True.None"]!, "rolling median");
  await agree(temp.groupby("time.month").quantile(0.25), gaps["360_day"]!.groupby_quantile!["month.0.25"]!, "groupby quantile");
  await agree(temp.resample({ time: "7D" }, { origin: "epoch" }).mean(), gaps["360_day"]!.resample_origin!["7D|origin=epoch"]!, "resample origin");
});
