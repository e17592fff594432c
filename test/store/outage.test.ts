/**
 * The store sink across a PostgreSQL outage (a real server stopped and started again): events emitted while the
 * database is unreachable are kept and written, in order, once it is back; past the bound, log lines are dropped and
 * counted while state transitions are kept.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  applyRunEvents, createRun, createStoreSink, getLogs, getRun, isConnectionLost, openDatabase, type Store,
} from "../../src/store/index.ts";
import { restartablePostgres, type RestartablePostgres } from "./restartable-postgres.ts";

let server: RestartablePostgres;
let store: Store;
before(async () => {
  server = await restartablePostgres();
  store = await openDatabase({ url: await server.freshUrl(), path: "unused" });
});
after(async () => {
  await store?.close();
  await server?.cleanup();
});

const log = (runId: string, i: number) => ({ type: "log:line" as const, runId, level: "info" as const, message: `line ${i}`, at: 1000 + i });

test("events kept while the database is down are written in order once it is back; past the bound only log lines are dropped", async () => {
  const { run } = await createRun(store, { pipeline: "outage", version: "v1", params: {}, trigger: { kind: "manual" } });
  await applyRunEvents(store, [{ type: "run:transition", runId: run.id, from: "Pending", to: "Running", at: 1000 }]);
  const seen: string[] = [];
  const sink = createStoreSink(store, {
    maxBatch: 5, maxPending: 20, retryMs: 50,
    onUnavailable: (cause) => seen.push(`down ${isConnectionLost(cause)}`),
    onRestored: ({ droppedLogs }) => seen.push(`back, ${droppedLogs} dropped`),
  });
  await server.halt();
  for (let i = 0; i < 10; i++) sink.emit(log(run.id, i));
  let flushed = false;
  const flushing = sink.flush().then(() => {
    flushed = true;
  });
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(flushed, false, "a flush waits for the database");
  assert.deepEqual(seen, ["down true"]);
  // more than the bound: the oldest waiting log lines go, the transition stays
  for (let i = 10; i < 40; i++) sink.emit(log(run.id, i));
  sink.emit({ type: "run:transition", runId: run.id, from: "Running", to: "Completed", at: 2000 });
  await new Promise((r) => setImmediate(r));
  assert.ok(sink.pending <= 21, `kept ${sink.pending} events`);
  await server.resume();
  await flushing;
  await sink.flush();
  assert.equal((await getRun(store, run.id))!.state, "Completed");
  const lines = (await getLogs(store, run.id)).map((l) => Number(l.message.split(" ")[1]));
  assert.deepEqual(lines, [...lines].sort((a, b) => a - b), "written in order");
  assert.ok(lines.includes(0) && lines.includes(39), `the first batch (in flight) and the newest are kept: ${lines.join(",")}`);
  assert.equal(lines.length + sink.stats.droppedLogs, 40);
  assert.ok(sink.stats.droppedLogs >= 19);
  assert.deepEqual(seen, ["down true", `back, ${sink.stats.droppedLogs} dropped`]);
});
