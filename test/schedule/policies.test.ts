/** Overlap decisions and jitter. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decideOverlap, jitterDelay } from "../../src/schedule/index.ts";

const runs = (...ids: string[]) => ids.map((id) => ({ id }));

test("overlap: nothing active always starts", () => {
  for (const policy of ["skip", "queue", "cancel-previous", "allow"] as const) {
    assert.deepEqual(decideOverlap(policy, [], undefined), { action: "start" });
  }
});

test("overlap at the default limit of one active run", () => {
  assert.deepEqual(decideOverlap("skip", runs("r1"), undefined), { action: "skip" });
  assert.deepEqual(decideOverlap("queue", runs("r1"), undefined), { action: "queue" });
  const decision = decideOverlap("cancel-previous", runs("r1"), undefined);
  assert.deepEqual(decision, { action: "cancel-previous", cancel: ["r1"] });
  assert.deepEqual(decideOverlap("allow", runs("r1", "r2", "r3"), undefined), { action: "start" });
});

test("overlap with maxActiveRuns", () => {
  assert.deepEqual(decideOverlap("skip", runs("r1"), 2), { action: "start" });
  assert.deepEqual(decideOverlap("skip", runs("r1", "r2"), 2), { action: "skip" });
  assert.deepEqual(decideOverlap("allow", runs("r1", "r2"), 2), { action: "queue" });
  // cancels just enough of the oldest to make room, by createdAt when every run has one
  const dated = [
    { id: "new", createdAt: 30 },
    { id: "old", createdAt: 10 },
    { id: "mid", createdAt: 20 },
  ];
  assert.deepEqual(decideOverlap("cancel-previous", dated, 2), { action: "cancel-previous", cancel: ["old", "mid"] });
  const room = decideOverlap("cancel-previous", runs("a", "b", "c"), 3);
  assert.deepEqual(room, { action: "cancel-previous", cancel: ["a"] });
});

test("jitter: within [0, jitter], deterministic for an injected random", () => {
  assert.equal(jitterDelay(undefined, () => 0.9), 0);
  assert.equal(jitterDelay("0s", () => 0.9), 0);
  assert.equal(jitterDelay("10s", () => 0), 0);
  assert.equal(jitterDelay("10s", () => 0.5), 5000);
  assert.equal(jitterDelay(1000, () => 0.999999999), 1000);
  assert.equal(jitterDelay(1000, () => 1), 1000);
  let seed = 42;
  const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const a = Array.from({ length: 200 }, () => jitterDelay("2s", lcg));
  seed = 42;
  const b = Array.from({ length: 200 }, () => jitterDelay("2s", lcg));
  assert.deepEqual(a, b);
  assert.ok(a.every((d) => Number.isInteger(d) && d >= 0 && d <= 2000));
});
