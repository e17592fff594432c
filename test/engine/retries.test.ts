import { test } from "node:test";
import assert from "node:assert/strict";
import { NonRetriableError, RetryAfterError } from "../../src/core/errors.ts";
import { pipeline } from "../../src/dsl/pipeline.ts";
import { retryDelayMs } from "../../src/engine/index.ts";
import type { RetryPolicyInput } from "../../schemas/pipeline.ts";
import { path, start, taskEvents, tick, type Harness } from "./helpers.ts";

/** A task failing `failures` times with the given error, then returning "ok". */
function flaky(retries: number | RetryPolicyInput, failures: number, error = () => new Error("flaky"), extra = {}) {
  let calls = 0;
  const p = pipeline({ name: "retry" }).task("t", { retries, ...extra }, (_i, ctx) => {
    calls++;
    assert.equal(ctx.attempt, calls);
    if (calls <= failures) throw error();
    return "ok";
  });
  return { p, calls: () => calls };
}

/** Delays (retryAt - at) of each AwaitingRetry, driving the clock exactly by those delays. */
async function driveRetries(h: Harness): Promise<number[]> {
  const delays: number[] = [];
  for (;;) {
    await tick();
    const waits = taskEvents(h.sink.events, "t").filter((e) => e.to === "AwaitingRetry");
    const next = waits[delays.length];
    if (next === undefined) {
      if (h.outcome) return delays;
      assert.fail("expected a retry to be waiting");
    }
    const delay = next.retryAt! - next.at;
    delays.push(delay);
    if (delay > 0) {
      const before = h.sink.events.length;
      await h.clock.advance(delay - 1);
      assert.equal(h.sink.events.length, before, "no attempt starts before its delay");
      await h.clock.advance(1);
    }
  }
}

test("exponential backoff with a cap, on the injected clock", async () => {
  const f = flaky({ attempts: 4, delay: 100, backoff: { factor: 2, max: 500 } }, 4);
  const h = start(f.p);
  assert.deepEqual(await driveRetries(h), [100, 200, 400, 500]);
  assert.equal(h.outcome?.state, "Completed");
  assert.equal(h.outcome?.tasks.get("t")?.attempts, 5);
  assert.deepEqual(path(h.sink.events, "t").slice(0, 4), ["Pending->Running", "Running->AwaitingRetry", "AwaitingRetry->Running", "Running->AwaitingRetry"]);
  assert.equal(taskEvents(h.sink.events, "t")[1]?.error?.message, "flaky");
});

test("per-attempt delays (the last repeats) and jitter from an injected random", async () => {
  const f = flaky({ attempts: 3, delay: ["10s", "20s"] }, 3);
  assert.deepEqual(await driveRetries(start(f.p)), [10_000, 20_000, 20_000]);
  const randoms = [0, 1, 0.5];
  const g = flaky({ attempts: 3, delay: 1000, jitter: 0.5 }, 3);
  const h = start(g.p, { random: () => randoms.shift()! });
  assert.deepEqual(await driveRetries(h), [500, 1500, 1000]);
  assert.equal(h.outcome?.state, "Completed");
});

test("retries run out: the task fails after attempts + 1 tries", async () => {
  const f = flaky(2, 10);
  const h = start(f.p);
  assert.deepEqual(await driveRetries(h), [0, 0]);
  assert.equal(h.outcome?.state, "Failed");
  assert.equal(f.calls(), 3);
  assert.equal(h.outcome?.tasks.get("t")?.state, "Failed");
});

test("retryIf decides per error and attempt", async () => {
  const seen: number[] = [];
  const f = flaky(5, 10, () => new Error("flaky"), {
    retryIf: (error: unknown, attempt: number) => (seen.push(attempt), error instanceof Error && attempt < 3),
  });
  const h = start(f.p);
  await driveRetries(h);
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(f.calls(), 3);
  assert.equal(h.outcome?.state, "Failed");
});

test("NonRetriableError stops retrying at once", async () => {
  const f = flaky(5, 10, () => new NonRetriableError("bad input"));
  const h = start(f.p);
  assert.deepEqual(await driveRetries(h), []);
  assert.equal(f.calls(), 1);
  assert.equal(h.outcome?.tasks.get("t")?.error?.tag, "NonRetriableError");
});

test("RetryAfterError waits as told instead of the policy's delay", async () => {
  const f = flaky({ attempts: 2, delay: 10 }, 1, () => new RetryAfterError("rate limited", 7_000));
  const h = start(f.p);
  assert.deepEqual(await driveRetries(h), [7_000]);
  assert.equal(h.outcome?.state, "Completed");
});

test("retryDelayMs: cap applies after jitter", () => {
  const policy = { attempts: 9, delayMs: 100, backoff: { factor: 3, maxMs: 1000 }, jitter: 0.2 };
  assert.equal(retryDelayMs(policy, 1, () => 0.5), 100);
  assert.equal(retryDelayMs(policy, 3, () => 1), 1000);
  assert.equal(retryDelayMs(policy, 2, () => 0), 240);
});
