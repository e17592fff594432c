/**
 * The logical date on a real daemon: a schedule slot's time reaches `ctx.scheduledFor` and the run document, a
 * schedule's `params(slot)` function is evaluated in the run process and checked by the params schema, and manual
 * runs take `scheduledFor` (API) / `--at` (CLI) or default to their creation time.
 */
import assert from "node:assert/strict";
import { RunDocumentSchema } from "../../schemas/run-document.ts";
import { test } from "node:test";
import { makeProject, spawnFloe, daemonForFile, waitFor, waitRun } from "./helpers.ts";

const DATED = `import { pipeline, z } from "floe";
export default pipeline({
  name: "dated",
  params: z.object({ day: z.string().regex(/^\\d{4}-\\d{2}-\\d{2}$/).default("1970-01-01"), second: z.number().int().default(-1) }),
  schedules: [{ name: "tick", cron: "* * * * * *", overlap: "allow", paused: true,
    params: (slot) => ({ day: slot.toISOString().slice(0, 10), second: slot.getUTCSeconds() }) }],
}).task("when", ({ params }, ctx) => ({ scheduledFor: ctx.scheduledFor.toISOString(), params }));
`;

const BROKEN = `import { pipeline, z } from "floe";
export default pipeline({
  name: "broken-slot",
  params: z.object({ day: z.string().regex(/^\\d{4}-\\d{2}-\\d{2}$/) }),
  schedules: [{ name: "tick", cron: "* * * * * *", paused: true, params: (slot) => ({ day: String(slot.getTime()) }) }],
}).task("never", () => 1);
`;

const project = makeProject({ "pipelines/dated.ts": DATED, "pipelines/broken.ts": BROKEN });
const d = daemonForFile(project);

const resultOf = (run: any, task: string): any => run.tasks.find((t: any) => t.task === task).result;

test("a scheduled run's ctx.scheduledFor is its slot, and params(slot) is evaluated against it and recorded", async () => {
  assert.equal((await d.post("/api/schedules/dated:tick/resume")).status, 200);
  const first = await waitFor(async () => (await d.get("/api/runs?pipeline=dated")).items.find((r: any) => r.scheduleId === "dated:tick"), 15_000, "a scheduled run");
  await d.post("/api/schedules/dated:tick/pause");
  const run = await waitRun(d, first.id);
  assert.equal(run.state, "Completed", JSON.stringify(run.error));
  assert.equal(run.scheduledFor, run.slotAt, "the logical date is the slot");
  const slot = new Date(run.slotAt);
  const expected = { day: run.slotAt.slice(0, 10), second: slot.getUTCSeconds() };
  assert.deepEqual(run.params, expected, "the run document holds the params the function gave");
  assert.deepEqual(resultOf(run, "when"), { scheduledFor: run.slotAt, params: expected });
});

test("a params(slot) result the params schema rejects fails the run, naming the schedule, slot and field", async () => {
  await d.post("/api/schedules/broken-slot:tick/resume");
  const first = await waitFor(async () => (await d.get("/api/runs?pipeline=broken-slot")).items[0], 15_000, "a run");
  await d.post("/api/schedules/broken-slot:tick/pause");
  const run = await waitRun(d, first.id);
  assert.equal(run.state, "Failed");
  assert.match(run.error.message, /schedules\.tick\.params\(\d{4}-.*Z\)\.day/);
});

test("manual runs: scheduledFor from the API body, else the creation time; a bad value is a 422", async () => {
  const at = "2024-02-29T06:00:00.000Z";
  const given = await d.post("/api/pipelines/dated/runs", { scheduledFor: "2024-02-29T07:00:00+01:00" });
  assert.equal(given.status, 201);
  assert.equal(given.body.scheduledFor, at);
  const run = await waitRun(d, given.body.id);
  assert.equal(resultOf(run, "when").scheduledFor, at);

  const plain = await d.post("/api/pipelines/dated/runs", {});
  assert.equal(plain.body.scheduledFor, plain.body.createdAt);

  const bad = await d.post("/api/pipelines/dated/runs", { scheduledFor: "yesterday" });
  assert.equal(bad.status, 422);
  assert.match(JSON.stringify(bad.body.error), /scheduledFor/);
});

test("floe run --at sets the logical date through the daemon and locally; a bad --at is a usage error (exit 2)", async () => {
  const cli = async (...args: string[]): Promise<{ code: number | null; out: string; err: string }> => {
    const proc = spawnFloe(project, args);
    let out = "";
    let err = "";
    proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    proc.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => proc.once("close", (c) => r(c)));
    return { code, out, err };
  };
  const [viaDaemon, local, bad] = await Promise.all([
    cli("run", "dated", "--at", "2025-03-01", "--json"),
    cli("run", "dated", "--at", "2025-03-02T02:00:00Z", "--local", "--json"),
    cli("run", "dated", "--at", "2025-03-01T02:00"),
  ]);
  assert.equal(viaDaemon.code, 0, viaDaemon.err);
  assert.equal(JSON.parse(viaDaemon.out).scheduledFor, "2025-03-01T00:00:00.000Z");
  assert.equal(local.code, 0, local.err);
  assert.equal(JSON.parse(local.out).scheduledFor, "2025-03-02T02:00:00.000Z");
  // one document, whichever way the run went: the same schema, the same fields in the same order
  for (const doc of [JSON.parse(viaDaemon.out), JSON.parse(local.out)]) {
    assert.deepEqual(Object.keys(doc), Object.keys(RunDocumentSchema.shape));
    RunDocumentSchema.parse(doc);
  }
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--at expects an ISO 8601 time/);
});
