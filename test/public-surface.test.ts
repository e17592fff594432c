/** The public surface is a contract: adding or removing an export is a visible change to this list. */
import { test } from "node:test";
import assert from "node:assert/strict";

test("floe exports exactly the pipeline author's API", async () => {
  const floe = await import("floe");
  assert.deepEqual(Object.keys(floe).sort(), [
    "NonRetriableError",
    "RetryAfterError",
    "defineConfig",
    "pipeline",
    "z",
  ]);
});
