/**
 * `cache: "inputs"` cannot go stale: the key includes the pipeline version, and a hit is used only while every
 * branch the cached task read still points at the snapshot it read (real local Icechunk repositories).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import * as zarr from "zarrita";
import { pipeline, z } from "floe";
import { Client } from "floe/arraylake";
import { createTestEnvironment } from "floe/testing";

const clients: Client[] = [];
after(() => clients.forEach((c) => c.close()));

let computed = 0;
const define = (description: string) =>
  pipeline({ name: "summarise", description, params: z.object({ repo: z.string() }) })
    .task("size", { cache: "inputs" }, async ({ params }, ctx) => {
      computed++;
      const repo = await ctx.arraylake.getRepo(params.repo);
      const session = await repo.readonlySession({ branch: "main" });
      const arr = await zarr.open(zarr.root(session.store).resolve("x"), { kind: "array" });
      return arr.shape[0]!;
    });

test("a cached result is reused only for the same version and while the snapshots it read are current", async () => {
  await using env = createTestEnvironment();
  const client = new Client({ localReposDir: env.localReposDir, token: undefined });
  clients.push(client);
  const repo = await client.createRepo("acme/raw");
  const write = async (n: number): Promise<void> => {
    const session = await repo.writableSession("main");
    await zarr.create(zarr.root(session.store).resolve("x"), { shape: [n], chunkShape: [n], dtype: "float32" });
    await session.commit(`x of ${n}`);
  };
  await write(3);
  const v1 = define("v1");
  const params = { repo: "acme/raw" };
  const state = (r: Awaited<ReturnType<typeof env.run>>) => r.run.tasks.find((t) => t.task === "size")!.state;

  const first = await env.run(v1, { params });
  assert.equal(state(first), "Completed");
  assert.equal(first.results.size, 3);
  const again = await env.run(v1, { params });
  assert.equal(state(again), "Cached", "same version, same inputs, same snapshot: a hit");
  assert.equal(computed, 1);

  await write(5); // a new snapshot on the branch the task read
  const after = await env.run(v1, { params });
  assert.equal(state(after), "Completed", "the branch moved: recomputed");
  assert.equal(after.results.size, 5);
  assert.equal(computed, 2);
  assert.equal(state(await env.run(v1, { params })), "Cached");

  const v2 = define("v2"); // an edit: another version of the pipeline
  const edited = await env.run(v2, { params });
  assert.equal(state(edited), "Completed", "another version never reuses the old one's results");
  assert.notEqual(edited.run.version, after.run.version);
  assert.equal(computed, 3);
});
