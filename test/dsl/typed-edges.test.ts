/** Type tests: `npm test` type-checks this file; each @ts-expect-error must be an error or tsc fails. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { expectTypeOf } from "expect-type";
import { z } from "zod";
import { pipeline, type ResultsOf, type ParamsOf } from "../../src/dsl/pipeline.ts";

const base = pipeline({ name: "typed", params: z.object({ n: z.number().default(2), label: z.string() }) });

const p = base
  .task("load", ({ params }) => {
    expectTypeOf(params).toEqualTypeOf<{ n: number; label: string }>();
    return [1, 2, 3];
  })
  .task("count", { needs: ["load"] }, async ({ upstream }) => {
    expectTypeOf(upstream).toEqualTypeOf<{ load: number[] }>();
    return upstream.load.length;
  })
  .map("double", { over: "load" }, ({ item, index, upstream }) => {
    expectTypeOf(item).toEqualTypeOf<number>();
    expectTypeOf(index).toEqualTypeOf<number>();
    expectTypeOf(upstream).toEqualTypeOf<{ load: number[] }>();
    return { value: item * 2 };
  })
  .task("sum", { needs: ["double", "count"] }, ({ upstream }) => {
    expectTypeOf(upstream.double).toEqualTypeOf<{ value: number }[]>();
    return upstream.double.reduce((a, d) => a + d.value, 0) / upstream.count;
  });

expectTypeOf<ResultsOf<typeof p>>().toEqualTypeOf<{ load: number[]; count: number; double: { value: number }[]; sum: number }>();
expectTypeOf<ParamsOf<typeof p>>().toEqualTypeOf<{ n: number; label: string }>();

// A misspelled dependency does not compile.
// @ts-expect-error "laod" is not a task defined before this one
base.task("load", () => 1).task("b", { needs: ["laod"] }, () => 2);

// Reading a result that is not upstream does not compile.
base
  .task("a", () => 1)
  .task("b", () => "x")
  // @ts-expect-error b is not in needs, so upstream has no b
  .task("c", { needs: ["a"] }, ({ upstream }) => upstream.b);

// Using a result as the wrong type does not compile.
base.task("a", () => 1).task("b", { needs: ["a"] }, ({ upstream }) => {
  // @ts-expect-error a is a number, not a string
  return upstream.a.toUpperCase();
});

// Mapping over a result that is not a list does not compile.
// @ts-expect-error "a" is a number, not a list
base.task("a", () => 1).map("m", { over: "a" }, ({ item }) => item);

// A forward reference (the only way to write a cycle) does not compile.
// @ts-expect-error "later" is not defined yet
base.task("first", { needs: ["later"] }, () => 1).task("later", () => 2);

test("the typed builder records tasks in order with their call sites", () => {
  assert.deepEqual(p.tasks.map((t) => t.name), ["load", "count", "double", "sum"]);
  assert.match(p.tasks[0]!.location.file ?? "", /typed-edges\.test\.ts$/);
  assert.equal(p.tasks[2]!.options.over, "load");
});
