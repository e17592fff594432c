/** Type tests for a schedule's `params(slot)`: the slot is a Date and the result is checked against the params. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectTypeOf } from "expect-type";
import { z } from "zod";
import { pipeline } from "../../src/dsl/pipeline.ts";
import { validatePipeline } from "../../src/dsl/validate.ts";

const params = z.object({ day: z.string(), n: z.number().default(1) });

const ok = pipeline({
  name: "slotted",
  params,
  schedules: [
    {
      name: "daily",
      cron: "0 2 * * *",
      params: (slot) => {
        expectTypeOf(slot).toEqualTypeOf<Date>();
        return { day: slot.toISOString().slice(0, 10) };
      },
    },
    { name: "fixed", cron: "0 3 * * *", params: { n: 2 } },
  ],
}).task("t", (_, ctx) => {
  expectTypeOf(ctx.scheduledFor).toEqualTypeOf<Date>();
  return 1;
});

// @ts-expect-error a param that is not in the schema's type
pipeline({ name: "bad", params, schedules: [{ cron: "* * * * *", params: (slot: Date) => ({ day: slot.getDay() }) }] });

test("a params function becomes paramsFromSlot in the spec (the function stays in the code)", () => {
  const checked = validatePipeline(ok as never);
  assert.ok(checked.ok);
  const [daily, fixed] = checked.spec.schedules;
  assert.equal(daily!.paramsFromSlot, true);
  assert.equal(daily!.params, undefined);
  assert.equal(fixed!.paramsFromSlot, false);
  assert.deepEqual(fixed!.params, { n: 2 });
});
