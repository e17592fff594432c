/** mapBlocks / applyUfunc: inline functions (by source) and module exports, on the main thread and on workers;
 * closures are refused with a clear error; core dimensions give whole-axis blocks. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DataArray, InvalidOperationError, applyUfunc, createReducerPool } from "floe/data";
import { tempDir } from "./helpers.ts";

const accumulated = () =>
  DataArray.fromValues(Float64Array.from({ length: 24 }, (_, i) => i * i), { dims: ["time", "x"], shape: [8, 3], coords: { x: [0, 1, 2] } });

test("an inline function maps blocks, with numbers passed as args, on the main thread and on workers", async () => {
  await using pool = createReducerPool(2);
  const rate = accumulated().mapBlocks((blocks, info) => blocks[0]!.map((x) => x / info.args[0]!), { args: [2] });
  const want = Array.from({ length: 24 }, (_, i) => (i * i) / 2);
  assert.deepEqual([...(await rate.values())], want);
  assert.deepEqual([...(await rate.values({ pool }))], want);
  const sum = applyUfunc((blocks) => blocks[0]!.map((x, i) => x + blocks[1]![i]!), [accumulated(), DataArray.fromValues([10, 20, 30], { dims: ["x"], coords: { x: [0, 1, 2] } })]);
  assert.deepEqual([...(await sum.values())].slice(0, 3), [10, 21, 34]);
});

test("core dimensions give the function the whole axis (a difference along time)", async () => {
  const diff = accumulated().mapBlocks(
    (blocks, info) => {
      const [nt, nx] = info.shape as [number, number];
      const out = new Float64Array(nt * nx).fill(NaN);
      for (let t = 1; t < nt; t++) for (let x = 0; x < nx; x++) out[t * nx + x] = blocks[0]![t * nx + x]! - blocks[0]![(t - 1) * nx + x]!;
      return out;
    },
    { core: ["time"] },
  );
  const got = await diff.isel({ time: 5 }).values();
  assert.deepEqual([...got], [15 * 15 - 12 * 12, 16 * 16 - 13 * 13, 17 * 17 - 14 * 14]);
});

test("a closure is refused with a clear error; a module export works", async () => {
  const factor = 3;
  assert.throws(
    () => accumulated().mapBlocks((blocks) => blocks[0]!.map((x) => x * factor)),
    (e: Error) => e instanceof InvalidOperationError && /uses factor from its surroundings/.test(e.message) && /\{ module, name \}/.test(e.message),
  );
  assert.throws(() => accumulated().mapBlocks({ module: "/tmp/x.ts", name: "f" }), /plain JavaScript/);
  const dir = tempDir();
  try {
    const file = join(dir.path, "triple.mjs");
    writeFileSync(file, "export function triple(blocks) { return blocks[0].map((x) => x * 3); }\n");
    await using pool = createReducerPool(2);
    const tripled = accumulated().mapBlocks({ module: file, name: "triple" });
    assert.deepEqual([...(await tripled.values({ pool }))].slice(0, 4), [0, 3, 12, 27]);
  } finally {
    dir.remove();
  }
});
