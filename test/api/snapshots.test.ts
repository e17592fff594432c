/** `GET /api/repos/:org/:name/snapshots/:id`: committed and read-only snapshots, 404 and 400. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/api/index.ts";
import { SnapshotLineageSchema } from "../../schemas/api-runs.ts";
import { ErrorBodySchema, RepoSegmentParamSchema } from "../../schemas/api.ts";
import { applyRunEvents, createRun, type Store } from "../../src/store/index.ts";
import { createTestDaemon, json } from "./helpers.ts";
import { hello } from "./pipelines.ts";

const newRun = async (store: Store, pipeline: string): Promise<string> =>
  (await createRun(store, { pipeline, version: "v1", params: {}, trigger: { kind: "manual" } })).run.id;

async function setup() {
  const daemon = await createTestDaemon({ pipelines: [hello] });
  const { store } = daemon;
  const writer = await newRun(store, "writer");
  const reader = await newRun(store, "reader");
  const later = await newRun(store, "reader");
  await applyRunEvents(store, [
    { type: "snapshot:read", runId: writer, task: "load", repo: "acme/era5", branch: "main", snapshotId: "IN1", at: 1000 },
    { type: "snapshot:commit", runId: writer, task: "write", repo: "acme/out", branch: "main", snapshotId: "OUT1",
      parentSnapshotId: "OUT0", message: "seasonal", at: 2000 },
    { type: "snapshot:read", runId: reader, task: "b", repo: "acme/out", branch: "main", snapshotId: "OUT1", at: 3000 },
    { type: "snapshot:read", runId: reader, task: "a", repo: "acme/out", tag: "v1", snapshotId: "OUT1", at: 3500 },
    { type: "snapshot:read", runId: later, repo: "acme/out", branch: "main", snapshotId: "OUT1", at: 4000 },
  ]);
  return { daemon, app: createApp(daemon.deps, { host: "127.0.0.1" }), writer, reader, later };
}

test("snapshot lineage: a committed snapshot names its run, inputs and the runs that read it", async () => {
  const { daemon, app, writer, reader, later } = await setup();
  await using _ = daemon;
  const res = await app.request("/api/repos/acme/out/snapshots/OUT1");
  assert.equal(res.status, 200);
  const body = SnapshotLineageSchema.parse(await res.json());
  assert.equal(body.commit?.parentSnapshotId, "OUT0");
  assert.equal(body.run?.id, writer);
  assert.deepEqual(body.inputs.map((i) => [i.repo, i.snapshotId]), [["acme/era5", "IN1"]]);
  assert.deepEqual(body.readBy.map((r) => [r.runId, r.pipeline, r.tasks]), [[later, "reader", []], [reader, "reader", ["a", "b"]]]);
  assert.equal(body.readBy[1]!.readAt, new Date(3000).toISOString());
});

test("snapshot lineage: a snapshot runs only read is 200 with commit null and its readers", async () => {
  const { daemon, app, writer } = await setup();
  await using _ = daemon;
  const res = await app.request("/api/repos/acme/era5/snapshots/IN1");
  assert.equal(res.status, 200, await res.clone().text());
  const body = SnapshotLineageSchema.parse(await res.json());
  assert.deepEqual(
    { commit: body.commit, run: body.run, pipelineVersion: body.pipelineVersion, inputs: body.inputs },
    { commit: null, run: null, pipelineVersion: null, inputs: [] },
  );
  assert.deepEqual(body.readBy, [{ runId: writer, pipeline: "writer", state: "Pending", tasks: ["load"], readAt: new Date(1000).toISOString() }]);
});

test("snapshot lineage: unknown snapshots are 404; org and name must be repository name segments (400)", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  for (const path of ["/api/repos/acme/out/snapshots/nope", "/api/repos/acme/other/snapshots/OUT1", "/api/repos/my.org/ocean_data-1/snapshots/x"]) {
    const res = await app.request(path);
    assert.equal(res.status, 404, path);
    assert.equal(ErrorBodySchema.parse(await res.json()).error.code, "not_found");
  }
  // "." and ".." never reach a route (URLs normalize them away); the schema refuses them anyway.
  for (const bad of [".", "..", "", "a/b"]) assert.equal(RepoSegmentParamSchema.safeParse(bad).success, false, bad);
  assert.equal(RepoSegmentParamSchema.safeParse("...").success, true);
  for (const [org, name] of [["ac%20me", "out"], ["-x~", "out"], ["acme", "o%2Fut"], ["acme", "x".repeat(101)], ["acme", "%C3%A9"]] as const) {
    const res = await app.request(`/api/repos/${org}/${name}/snapshots/OUT1`);
    assert.equal(res.status, 400, `${org}/${name}: ${res.status}`);
    const body = ErrorBodySchema.parse(await res.json());
    assert.equal(body.error.code, "invalid_request");
    assert.ok(body.error.details?.issues?.some((i) => i.path === "org" || i.path === "name"), JSON.stringify(body));
  }
});

test("snapshot lineage: the OpenAPI document describes a nullable commit, readBy and the 400", async () => {
  const { daemon, app } = await setup();
  await using _ = daemon;
  const doc = await json(await app.request("/openapi.json"));
  const op = doc.paths["/api/repos/{org}/{name}/snapshots/{id}"].get;
  assert.ok(op.responses["400"]);
  const org = op.parameters.find((p: { name: string }) => p.name === "org");
  assert.match(org.schema.pattern, /A-Za-z0-9/);
  const lineage = doc.components.schemas.SnapshotLineage;
  assert.ok(lineage.required.includes("readBy"));
  assert.match(JSON.stringify(lineage.properties.commit), /null/);
});
