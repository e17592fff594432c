/**
 * Backfills on a real daemon: `floe backfill` creates one run per slot under the scheduler's (schedule, slot) key,
 * skips slots that already ran, reruns failed ones only when asked, honours --max-active, exits 0 only when every
 * slot completed; bad ranges are clear errors; a whole backfill cancels together.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeProject, spawnFloe, daemonForFile, waitFor } from "./helpers.ts";

const DAILY = `import { pipeline, z } from "floe";
import { existsSync } from "node:fs";
export default pipeline({
  name: "daily",
  params: z.object({ day: z.string() }),
  schedules: [
    { name: "nightly", cron: "0 2 * * *", paused: true, params: (slot) => ({ day: slot.toISOString().slice(0, 10) }) },
    { name: "minutely", cron: "* * * * *", paused: true, params: { day: "any" } },
  ],
}).task("process", async ({ params }, ctx) => {
  await new Promise((r) => setTimeout(r, 150));
  if (params.day === "2025-03-03" && !existsSync("fixed")) throw new Error("bad data on the 3rd");
  return { day: params.day, scheduledFor: ctx.scheduledFor.toISOString() };
});
`;

const SLOW = `import { pipeline } from "floe";
export default pipeline({ name: "slow", schedules: [{ name: "hourly", cron: "0 * * * *", paused: true }] })
  .task("wait", async (_, ctx) => { await new Promise((r, j) => { const t = setTimeout(r, 60_000); ctx.signal.addEventListener("abort", () => { clearTimeout(t); j(ctx.signal.reason); }); }); });
`;

const project = makeProject({ "pipelines/daily.ts": DAILY, "pipelines/slow.ts": SLOW });
const d = daemonForFile(project);

async function floe(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawnFloe(project, args);
  let out = "";
  let err = "";
  proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => proc.once("close", (c) => r(c)));
  return { code, out, err };
}

const maxOverlap = (runs: { startedAt: string; endedAt: string }[]): number => {
  const points = runs.flatMap((r) => [[Date.parse(r.startedAt), 1], [Date.parse(r.endedAt), -1]] as const);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, step] of points) max = Math.max(max, (now += step));
  return max;
};

test("floe backfill: one run per slot with its logical date and params(slot); --max-active; exit 1 when a slot failed", async () => {
  const r = await floe("backfill", "daily", "--schedule", "nightly", "--from", "2025-03-01", "--to", "2025-03-05", "--max-active", "2", "--json");
  assert.equal(r.code, 1, r.err);
  const b = JSON.parse(r.out);
  assert.equal(b.state, "Failed");
  assert.deepEqual(b.slots.map((s: any) => s.slotAt.slice(0, 10)), ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05"]);
  assert.deepEqual(b.slots.map((s: any) => s.state), ["Completed", "Completed", "Failed", "Completed", "Completed"]);
  assert.deepEqual(b.counts, { Completed: 4, Failed: 1 });
  const runs = await Promise.all(b.slots.map((s: any) => d.get(`/api/runs/${s.runId}`)));
  for (const [i, run] of runs.entries()) {
    assert.equal(run.scheduleId, "daily:nightly");
    assert.equal(run.slotAt, b.slots[i].slotAt, "the scheduler's own (schedule, slot) key");
    assert.equal(run.scheduledFor, b.slots[i].slotAt);
    assert.deepEqual(run.params, { day: b.slots[i].slotAt.slice(0, 10) });
  }
  assert.ok(maxOverlap(runs) <= 2, "at most --max-active runs at once (that two do run at once: the cancel test)");
});

test("slots that ran are skipped; --rerun-failed reruns only the failed ones; exit 0 once every slot completed", async () => {
  const again = await d.post("/api/pipelines/daily/backfills", { schedule: "nightly", from: "2025-03-01T00:00:00Z", to: "2025-03-06T23:00:00Z" });
  assert.equal(again.status, 201);
  assert.deepEqual(again.body.slots.map((s: any) => s.created), [false, false, false, false, false, true], "only the new slot gets a run");
  const ended = await waitFor(async () => {
    const b = await d.get(`/api/backfills/${again.body.id}`);
    return b.state !== "Running" ? b : undefined;
  }, 30_000, "the backfill to end");
  assert.equal(ended.state, "Failed", "the failed slot still counts against it");

  project.write("fixed", "");
  const r = await floe("backfill", "daily", "--schedule", "nightly", "--from", "2025-03-01", "--to", "2025-03-06", "--rerun-failed");
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /6\/6 completed, 0 failed, 0 running, 5 skipped/);
  const list = (await d.get("/api/backfills?pipeline=daily")).items;
  const last = await d.get(`/api/backfills/${list[0].id}`);
  assert.deepEqual(last.slots.map((s: any) => s.created), [false, false, true, false, false, false]);
  const rerun = await d.get(`/api/runs/${last.slots[2].runId}`);
  assert.equal(rerun.state, "Completed");
  assert.equal(rerun.scheduledFor, "2025-03-03T02:00:00.000Z");
  assert.equal(rerun.slotAt, null, "the slot key stays with the first run");
});

test("bad ranges: reversed, no slot, over 10,000 slots without yes, unknown schedule", async () => {
  const post = (body: object) => d.post("/api/pipelines/daily/backfills", body);
  const reversed = await post({ schedule: "nightly", from: "2025-03-05T00:00:00Z", to: "2025-03-01T00:00:00Z" });
  assert.equal(reversed.status, 422);
  assert.match(reversed.body.error.message, /to \(2025-03-01T00:00:00.000Z\) is before from/);
  const empty = await post({ schedule: "nightly", from: "2025-03-01T03:00:00Z", to: "2025-03-01T04:00:00Z" });
  assert.equal(empty.status, 422);
  assert.match(empty.body.error.message, /has no slot between/);
  const huge = await post({ schedule: "minutely", from: "2025-01-01T00:00:00Z", to: "2025-01-08T00:00:00Z" });
  assert.equal(huge.status, 422);
  assert.match(huge.body.error.message, /10081 slots \(more than 10000\).*--yes/);
  assert.equal((await post({ schedule: "weekly", from: "2025-01-01T00:00:00Z", to: "2025-01-08T00:00:00Z" })).status, 404);
  const cli = await floe("backfill", "daily", "--schedule", "nightly", "--from", "2025-03-05", "--to", "2025-03-01");
  assert.equal(cli.code, 1);
  assert.match(cli.err, /to: to \(2025-03-01T23:59:59.999Z\) is before from/);
  assert.equal((await floe("backfill", "daily", "--from", "2025-03-05", "--to", "2025-03-06")).code, 2, "--schedule is required");
});

test("cancelling a backfill cancels its queued and running runs", async () => {
  const b = await d.post("/api/pipelines/slow/backfills", { schedule: "hourly", from: "2025-03-01T00:00:00Z", to: "2025-03-01T05:00:00Z", maxActive: 2 });
  assert.equal(b.status, 201);
  assert.equal(b.body.slots.length, 6);
  await waitFor(async () => (await d.get(`/api/backfills/${b.body.id}`)).counts.Running === 2, 20_000, "two running");
  const cancelled = await d.post(`/api/backfills/${b.body.id}/cancel`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.state, "Cancelled");
  const ended = await waitFor(async () => {
    const x = await d.get(`/api/backfills/${b.body.id}`);
    return x.slots.every((s: any) => s.state === "Cancelled") ? x : undefined;
  }, 20_000, "every run cancelled");
  assert.equal(ended.counts.Cancelled, 6);
  assert.equal((await d.post(`/api/backfills/${b.body.id}/cancel`)).status, 409);
});
