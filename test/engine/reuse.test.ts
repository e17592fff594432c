import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { pipeline } from "../../src/dsl/pipeline.ts";
import type { PreviousTask, RunOutcome } from "../../src/engine/index.ts";
import { path, run, start, states } from "./helpers.ts";

const previousOf = (o: RunOutcome): Map<string, PreviousTask> =>
  new Map([...o.tasks].map(([k, t]) => [k, { state: t.state, resultJson: t.resultJson, persisted: t.persisted }]));

test("retry-of-run reuses completed results as Cached and re-runs only what did not complete", async () => {
  const calls: string[] = [];
  let healthy = false;
  const p = pipeline({ name: "retry-run" })
    .task("a", () => (calls.push("a"), { rows: 3 }))
    .task("b", { needs: ["a"] }, ({ upstream }) => {
      calls.push("b");
      if (!healthy) throw new Error("down");
      return upstream.a.rows * 2;
    })
    .task("c", { needs: ["b"] }, ({ upstream }) => (calls.push("c"), upstream.b + 1));
  const first = await run(p);
  assert.deepEqual(states(first), { a: "Completed", b: "Failed", c: "Skipped" });
  healthy = true;
  calls.length = 0;
  const h = start(p, { previous: previousOf(first) });
  const second = await h.done;
  assert.equal(second.state, "Completed");
  assert.deepEqual(calls, ["b", "c"]);
  assert.deepEqual(path(h.sink.events, "a"), ["Pending->Cached"]);
  assert.equal(second.tasks.get("c")?.result, 7);
  assert.equal(second.tasks.get("a")?.resultJson, '{"rows":3}');
});

test("retry-of-run re-runs a completed task whose result was not persisted", async () => {
  let runs = 0;
  const p = pipeline({ name: "mem" }).task("m", () => (runs++, new Set([1])));
  const first = await run(p);
  const second = await run(p, { previous: previousOf(first) });
  assert.equal(runs, 2);
  assert.equal(second.tasks.get("m")?.state, "Completed");
});

test("retry-of-run reuses the completed items of a mapped task", async () => {
  const seen: number[] = [];
  let healthy = false;
  const p = pipeline({ name: "map-retry" })
    .task("list", () => [1, 2, 3])
    .map("each", { over: "list" }, ({ item }) => {
      seen.push(item);
      if (item === 2 && !healthy) throw new Error("flaky");
      return item * 10;
    });
  const first = await run(p);
  assert.equal(first.state, "Failed");
  healthy = true;
  seen.length = 0;
  const second = await run(p, { previous: previousOf(first) });
  assert.equal(second.state, "Completed");
  assert.deepEqual(seen, [2]);
  assert.deepEqual(states(second), { list: "Cached", each: "Completed", "each[0]": "Cached", "each[1]": "Completed", "each[2]": "Cached" });
  assert.deepEqual(second.tasks.get("each")?.result, [10, 20, 30]);
});

test("cache 'inputs': a hit with the same params and upstream results skips the task", async () => {
  const store = new Map<string, string>();
  let runs = 0;
  const p = pipeline({ name: "cached", params: z.object({ n: z.number() }) })
    .task("base", ({ params }) => params.n)
    .task("heavy", { needs: ["base"], cache: "inputs" }, ({ upstream }) => (runs++, upstream.base * 100));
  const lookup = (task: string, key: string): string | undefined => store.get(`${task}:${key}`);
  const first = await run(p, { params: { n: 1 }, cacheLookup: lookup });
  const t = first.tasks.get("heavy")!;
  assert.ok(t.cacheKey);
  store.set(`heavy:${t.cacheKey}`, t.resultJson!);

  const h = start(p, { params: { n: 1 }, cacheLookup: async (task, key) => lookup(task, key) });
  const hit = await h.done;
  assert.equal(runs, 1);
  assert.deepEqual(path(h.sink.events, "heavy"), ["Pending->Cached"]);
  assert.equal(hit.tasks.get("heavy")?.result, 100);
  assert.equal(hit.tasks.get("heavy")?.cacheKey, t.cacheKey);

  const miss = await run(p, { params: { n: 2 }, cacheLookup: lookup });
  assert.equal(runs, 2);
  assert.equal(miss.tasks.get("heavy")?.result, 200);
  assert.notEqual(miss.tasks.get("heavy")?.cacheKey, t.cacheKey);
});

test("a cacheKey function sets the key; expiresIn is passed to the lookup", async () => {
  const asked: [string, string, number | undefined][] = [];
  let runs = 0;
  const p = pipeline({ name: "keyed" }).task(
    "t",
    { cacheKey: () => "v1", cache: { expiresIn: "1h" } },
    () => (runs++, "fresh"),
  );
  const o = await run(p, { cacheLookup: (task, key, maxAge) => (asked.push([task, key, maxAge]), '"stored"') });
  assert.equal(runs, 0);
  assert.equal(o.tasks.get("t")?.result, "stored");
  assert.equal(asked[0]?.[2], 3_600_000);
  const again = await run(p, { cacheLookup: (_t, key) => (key === asked[0]?.[1] ? '"same key"' : undefined) });
  assert.equal(again.tasks.get("t")?.result, "same key");
});
