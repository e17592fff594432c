/**
 * Runs record the snapshots their tasks read and the commits they make (real local Icechunk repositories), and
 * `commit: "on-success"` commits once at the end, or not at all when a task fails.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as zarr from "zarrita";
import { NonRetriableError, pipeline, z } from "floe";
import { Client, type RepoSession } from "floe/arraylake";
import { createTestEnvironment } from "floe/testing";
import { getRunSnapshots, getSnapshotLineage } from "../../src/store/index.ts";

const clients: Client[] = [];
after(() => clients.forEach((c) => c.close()));

async function writeOnes(session: RepoSession, name: string): Promise<void> {
  const arr = await zarr.create(zarr.root(session.store).resolve(name), { shape: [4], chunkShape: [4], dtype: "float32" });
  await zarr.set(arr, null, 1);
}

const copyPipeline = pipeline({ name: "copy", params: z.object({ repo: z.string() }) })
  .task("read", async ({ params }, ctx) => {
    const repo = await ctx.arraylake.getOrCreateRepo(params.repo);
    const session = await repo.readonlySession({ branch: "main" });
    return session.snapshotId;
  })
  .task("write", { needs: ["read"] }, async ({ params }, ctx) => {
    const repo = await ctx.arraylake.getRepo(params.repo);
    const session = await repo.writableSession("main");
    await writeOnes(session, "ones");
    return session.commit("wrote ones");
  });

test("a run records what each task read and committed, and a snapshot leads back to its run", async () => {
  await using env = createTestEnvironment();
  const { state, run, results } = await env.run(copyPipeline, { params: { repo: "acme/ocean" } });
  assert.equal(state, "Completed", JSON.stringify(run.tasks.map((t) => t.error?.message)));
  const { reads, commits } = await getRunSnapshots(env.store, run.id);
  assert.deepEqual(reads.map((r) => [r.task, r.repo, r.branch, r.snapshotId]), [["read", "acme/ocean", "main", results.read]]);
  assert.equal(commits.length, 1);
  assert.deepEqual([commits[0]!.task, commits[0]!.branch, commits[0]!.message, commits[0]!.snapshotId], ["write", "main", "wrote ones", results.write]);
  assert.equal(commits[0]!.parentSnapshotId, results.read);

  const lineage = await getSnapshotLineage(env.store, "acme/ocean", results.write as string);
  assert.equal(lineage?.run.id, run.id);
  assert.equal(lineage?.pipelineVersion?.version ?? lineage?.run.version, run.version);
  assert.deepEqual(lineage?.reads.map((r) => r.snapshotId), [results.read]);
});

const twoWriters = (failLast: boolean) =>
  pipeline({ name: "atomic", commit: "on-success" })
    .task("a", async (_, ctx) => {
      const session = await (await ctx.arraylake.getOrCreateRepo("acme/atomic")).writableSession("main");
      await writeOnes(session, "a");
      await assert.rejects(session.commit("not allowed"), /commits on success/);
      return session.snapshotId;
    })
    .task("b", { needs: ["a"] }, async (_, ctx) => {
      const session = await (await ctx.arraylake.getRepo("acme/atomic")).writableSession("main");
      await writeOnes(session, "b");
      if (failLast) throw new NonRetriableError("b failed after writing");
      return true;
    });

test('commit: "on-success" commits every task\'s writes once, after all succeeded', async () => {
  await using env = createTestEnvironment();
  const { state, run } = await env.run(twoWriters(false));
  assert.equal(state, "Completed", JSON.stringify([run.error, ...run.tasks.map((t) => t.error?.message)]));
  const { commits } = await getRunSnapshots(env.store, run.id);
  assert.equal(commits.length, 1);
  assert.equal(commits[0]!.task, null);
  const client = new Client({ token: undefined, localReposDir: env.localReposDir });
  clients.push(client);
  const repo = await client.getRepo("acme/atomic");
  const ancestry = await repo.ancestry({ branch: "main" });
  assert.equal(ancestry.length, 2);
  const session = await repo.readonlySession({ branch: "main" });
  for (const name of ["a", "b"]) {
    const arr = await zarr.open(zarr.root(session.store).resolve(name), { kind: "array" });
    assert.deepEqual(Array.from((await zarr.get(arr)).data as Float32Array), [1, 1, 1, 1]);
  }
});

test('commit: "on-success" discards the writes of a run that failed', async () => {
  await using env = createTestEnvironment();
  const { state, run } = await env.run(twoWriters(true));
  assert.equal(state, "Failed");
  assert.equal((await getRunSnapshots(env.store, run.id)).commits.length, 0);
  const client = new Client({ token: undefined, localReposDir: env.localReposDir });
  clients.push(client);
  const ancestry = await (await client.getRepo("acme/atomic")).ancestry({ branch: "main" });
  assert.equal(ancestry.length, 1, "only the repository's initial snapshot");
});
