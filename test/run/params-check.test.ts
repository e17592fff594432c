/** The one params check: the pipeline's own zod schema (runs) and its JSON Schema (daemon submission) agree. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { pipeline, z } from "floe";
import { paramsJsonSchema } from "../../src/dsl/validate.ts";
import { checkParams, createParamsChecker, paramsSchemaFromJson, paramsSchemaOf, validateParamsOrThrow } from "../../src/run/index.ts";
import { ValidationError } from "../../src/core/errors.ts";

const grid = pipeline({
  name: "grid",
  params: z.object({ res: z.number().min(0.25), region: z.enum(["global", "europe"]).default("global") }),
}).task("noop", () => 1);

const both = (input: unknown) => [
  checkParams(paramsSchemaOf(grid), input, { pipeline: "grid" }),
  checkParams(paramsSchemaFromJson(paramsJsonSchema(grid)), input, { pipeline: "grid" }),
];

test("defaults are filled the same way in a run and at submission", () => {
  for (const checked of both({ res: 1 })) assert.deepEqual(checked, { ok: true, params: { res: 1, region: "global" } });
});

test("each bad field is named with what was expected, by both paths alike", () => {
  const [own, fromJson] = both({ res: "1", region: "mars", rez: 2 });
  assert.deepEqual(own, fromJson);
  assert.equal(own!.ok, false);
  const diagnostics = own!.ok ? [] : own!.diagnostics;
  assert.deepEqual(diagnostics.map((d) => [d.pipeline, d.path, d.code]), [
    ["grid", "params.rez", "unrecognized_keys"],
    ["grid", "params.res", "invalid_type"],
    ["grid", "params.region", "invalid_value"],
  ]);
  assert.match(diagnostics[0]!.message, /unknown param "rez" \(did you mean "res"\?\); params are res, region/);
  assert.match(diagnostics[1]!.message, /expected number/);
  assert.match(diagnostics[2]!.message, /"global"\|"europe"/);
});

test("params that are not an object are reported at `params`, and a schedule's function names itself", () => {
  const checked = checkParams(paramsSchemaOf(grid), 3, { pipeline: "grid", path: "schedules.nightly.params(2025-03-01T00:00:00.000Z)" });
  assert.equal(checked.ok, false);
  if (!checked.ok) assert.deepEqual(checked.diagnostics.map((d) => d.path), ["schedules.nightly.params(2025-03-01T00:00:00.000Z)"]);
});

test("in-process runs throw a ValidationError naming the field; the daemon's checker keeps one schema per version", () => {
  assert.throws(() => validateParamsOrThrow(grid, { res: 0 }), (e: unknown) =>
    e instanceof ValidationError && /pipeline "grid" field params\.res: .*>=0\.25/.test(e.message));
  const checker = createParamsChecker(1);
  const v1 = { pipeline: "grid", version: "v1", paramsSchema: paramsJsonSchema(grid) };
  assert.deepEqual(checker.check(v1, { res: 2 }), { ok: true, params: { res: 2, region: "global" } });
  assert.equal(checker.check(v1, {}).ok, false);
});
