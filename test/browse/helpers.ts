/**
 * A real local Icechunk repository for browser tests: the synthetic ocean dataset (small: 12 days, 10-degree grid),
 * a global-mean series, a string array, a tag, then a second commit that rewrites one time step.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zarr from "zarrita";
import { Client } from "floe/arraylake";
import { createSyntheticOceanTemp } from "floe/data";

export const REPO = "test-org/ocean";

export interface FixtureRepo extends AsyncDisposable {
  dir: string;
  client: Client;
  first: string;
  second: string;
}

export async function createFixtureRepo(): Promise<FixtureRepo> {
  const dir = mkdtempSync(join(tmpdir(), "floe-browse-"));
  const client = new Client({ localReposDir: join(dir, "arraylake"), env: {} });
  const repo = await client.createRepo(REPO);
  let session = await repo.writableSession("main");
  await createSyntheticOceanTemp(session.store, "ocean", { days: 12, resolution: 10, chunks: [4, 9, 18] });
  const root = zarr.root(session.store);
  const series = await zarr.create(root.resolve("ocean/global-mean"), {
    shape: [12], dtype: "float32", chunkShape: [6], dimensionNames: ["time"],
    attributes: { units: "degC", long_name: "global mean temperature" },
  });
  await zarr.set(series, null, { data: Float32Array.from({ length: 12 }, (_, i) => 15 + Math.sin(i / 2)), shape: [12], stride: [1] });
  // Metadata only: enough for the browser to refuse to draw it.
  await zarr.create(root.resolve("ocean/station"), { shape: [3], dtype: "string" as never, chunkShape: [3], dimensionNames: ["station"] });
  const first = await session.commit("first");
  await repo.createTag("v1", first);
  session = await repo.writableSession("main");
  const temp = await zarr.open(zarr.root(session.store).resolve("ocean/temp"), { kind: "array" });
  await zarr.set(temp as zarr.Array<"float32", typeof session.store>, [0, null, null], 40);
  const second = await session.commit("second: day 0 set to 40");
  return {
    dir, client, first, second,
    async [Symbol.asyncDispose]() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
