/** floe/testing, used as a pipeline author would: import by package name, real SQLite, manual clock. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NonRetriableError, pipeline, z } from "floe";
import { createManualClock, createTestEnvironment, runPipeline } from "floe/testing";

const flaky = (failuresBeforeSuccess: number) => {
  let calls = 0;
  return pipeline({ name: "flaky", params: z.object({ factor: z.number().default(2) }) })
    .task("source", () => [1, 2, 3])
    .task("scale", { needs: ["source"], retries: { attempts: 3, delay: "10s", backoff: { factor: 2 } } }, ({ upstream, params }) => {
      calls += 1;
      if (calls <= failuresBeforeSuccess) throw new Error(`transient failure ${calls}`);
      return upstream.source.map((n) => n * params.factor);
    })
    .task("total", { needs: ["scale"] }, ({ upstream }) => upstream.scale.reduce((a, b) => a + b, 0));
};

test("a run's record comes back with states, attempts, results and logs", async () => {
  const result = await runPipeline(flaky(0), { params: { factor: 3 } });
  assert.equal(result.state, "Completed");
  assert.equal(result.results.total, 18);
  assert.deepEqual(result.run.params, { factor: 3 });
  assert.deepEqual(result.document.tasks.map((t) => [t.name, t.state]), [["source", "Completed"], ["scale", "Completed"], ["total", "Completed"]]);
  assert.equal(result.document.trigger, "manual");
  assert.deepEqual(result.run.tasks.map((t) => [t.task, t.state]), [["source", "Completed"], ["scale", "Completed"], ["total", "Completed"]]);
});

test("retries wait on the injected clock: 10 s then 20 s of backoff, no real waiting", async () => {
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const running = runPipeline(flaky(2), { clock });
  while (clock.sleepers === 0) await new Promise((r) => setImmediate(r));
  await clock.advance(10_000);
  while (clock.sleepers === 0) await new Promise((r) => setImmediate(r));
  await clock.advance(20_000);
  const result = await running;
  assert.equal(result.state, "Completed");
  const scale = result.run.tasks.find((t) => t.task === "scale")!;
  assert.equal(scale.attempts, 3);
  assert.equal(scale.endedAt! - Date.UTC(2026, 0, 1), 30_000);
});

test("invalid params are a ValidationError naming the field, and nothing is recorded", async () => {
  await using env = createTestEnvironment();
  await assert.rejects(env.run(flaky(0), { params: { factor: "two" } }), /params\.factor/);
  assert.equal((await env.store.sql.get<{ n: number }>("SELECT count(*) AS n FROM runs"))?.n, 0);
});

test("a retry of a failed run reuses completed results and re-runs the rest", async () => {
  await using env = createTestEnvironment();
  let attempts = 0;
  const p = pipeline({ name: "half" })
    .task("expensive", () => 41)
    .task("fragile", { needs: ["expensive"] }, ({ upstream }) => {
      attempts += 1;
      if (attempts === 1) throw new NonRetriableError("first time fails");
      return upstream.expensive + 1;
    });
  const first = await env.run(p);
  assert.equal(first.state, "Failed");
  const second = await env.run(p, { retryOf: first.run });
  assert.equal(second.state, "Completed");
  assert.deepEqual(second.run.tasks.map((t) => [t.task, t.state]), [["expensive", "Cached"], ["fragile", "Completed"]]);
  assert.equal(second.results.fragile, 42);
  assert.equal(second.run.retryOf, first.run.id);
});

test("an unknown param is an issue with a suggestion, not silently dropped", async () => {
  await using env = createTestEnvironment();
  await assert.rejects(env.run(flaky(0), { params: { factr: 3 } }), /params\.factr: unknown param "factr" \(did you mean "factor"\?\)/);
});
