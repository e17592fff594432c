import { test } from "node:test";
import assert from "node:assert/strict";
import { pipeline } from "../../src/dsl/pipeline.ts";
import { path, run, start, states, tick, until } from "./helpers.ts";

test("a mapped task runs once per item within its concurrency; results are gathered in item order", async () => {
  let active = 0;
  let peak = 0;
  const h = start(
    pipeline({ name: "fan" })
      .task("list", () => [30, 10, 20])
      .map("slow", { over: "list", concurrency: 2 }, async ({ item, index, upstream }, ctx) => {
        assert.deepEqual(upstream.list, [30, 10, 20]);
        peak = Math.max(peak, ++active);
        await h.clock.sleep(item, ctx.signal);
        active--;
        return `${index}:${item}:${ctx.task}`;
      })
      .task("joined", { needs: ["slow"] }, ({ upstream }) => upstream.slow.join(",")),
    { concurrency: 10 },
  );
  await until(() => h.clock.sleepers === 2);
  for (let i = 0; i < 4; i++) {
    await h.clock.advance(10);
    await tick();
  }
  const o = await h.done;
  assert.equal(o.state, "Completed");
  assert.equal(peak, 2);
  assert.equal(o.tasks.get("joined")?.result, "0:30:slow[0],1:10:slow[1],2:20:slow[2]");
  assert.equal(o.tasks.get("slow")?.resultJson, JSON.stringify(["0:30:slow[0]", "1:10:slow[1]", "2:20:slow[2]"]));
  const creates = h.sink.events.filter((e) => e.type === "task:create" && e.parent === "slow");
  assert.deepEqual(creates.map((e) => e.type === "task:create" && [e.task, e.mapIndex]), [["slow", null], ["slow[0]", 0], ["slow[1]", 1], ["slow[2]", 2]]);
  assert.deepEqual(path(h.sink.events, "slow"), ["Pending->Running", "Running->Completed"]);
  assert.equal(o.tasks.get("slow[1]")?.name, "slow");
});

test("an item failure fails the mapped task after the other items finish; downstream is skipped", async () => {
  const o = await run(
    pipeline({ name: "fan-fail" })
      .task("list", () => ["a", "b", "c"])
      .map("each", { over: "list" }, ({ item }) => {
        if (item === "b") throw new Error("bad item");
        return item.toUpperCase();
      })
      .task("after", { needs: ["each"] }, () => 1),
  );
  assert.equal(o.state, "Failed");
  assert.deepEqual(states(o), { list: "Completed", each: "Failed", "each[0]": "Completed", "each[1]": "Failed", "each[2]": "Completed", after: "Skipped" });
  assert.match(o.tasks.get("each")?.error?.message ?? "", /1 of 3 items of each did not complete; each\[1\]: bad item/);
});

test("items retry on their own", async () => {
  let failed = false;
  const o = await run(
    pipeline({ name: "fan-retry" })
      .task("list", () => [1, 2])
      .map("each", { over: "list", retries: 1 }, ({ item }) => {
        if (item === 2 && !failed) throw ((failed = true), new Error("once"));
        return item;
      }),
  );
  assert.equal(o.state, "Completed");
  assert.equal(o.tasks.get("each[1]")?.attempts, 2);
  assert.deepEqual(o.tasks.get("each")?.result, [1, 2]);
});

test("an empty list completes at once; a non-list fails with a clear error", async () => {
  const empty = await run(pipeline({ name: "e" }).task("list", () => [] as number[]).map("m", { over: "list" }, ({ item }) => item));
  assert.equal(empty.state, "Completed");
  assert.deepEqual(empty.tasks.get("m")?.result, []);
  const notList = await run(
    pipeline({ name: "n" }).task("list", () => [1]).map("m", { over: "list" }, ({ item }) => item),
    { pipeline: { options: { name: "n" }, tasks: [{ name: "list", options: {}, run: () => 5, location: {} }, { name: "m", options: { over: "list" }, run: () => 1, location: {} }] } },
  );
  assert.equal(notList.state, "Failed");
  assert.match(notList.tasks.get("m")?.error?.message ?? "", /maps over "list", whose result is number, not a list/);
});
