/**
 * @module The one params check of a run, wherever it happens: at submission in the daemon (API, schedules,
 * triggers, backfills) against the version's params JSON Schema turned back into zod, so no user code is imported;
 * and in the run itself (run process, CLI, floe/testing) against the pipeline's own zod schema. Both give the same
 * diagnostics: `params.<field>` (or the schedule's `params(slot)`), the zod issue code or `unrecognized_keys`, and a
 * message saying what was expected. Refinements and transforms do not survive JSON Schema, so a run checks again
 * with the pipeline's own schema and fails with the issues if that rejects them.
 */
import { z } from "zod";
import { ValidationError, type Diagnostic } from "../core/errors.ts";
import type { AnyPipeline } from "../dsl/pipeline.ts";
import { paramsJsonSchema } from "../dsl/validate.ts";
import { declaredParams, unknownParamIssues } from "./unknown-params.ts";

export type ParamsCheck = { ok: true; params: Record<string, unknown> } | { ok: false; diagnostics: Diagnostic[] };

/** What params are checked against: a zod schema (null: not convertible, only unknown names are checked). */
export interface ParamsSchema {
  zod: z.ZodType | null;
  /** Declared top-level names; undefined when the schema accepts any key. */
  declared: readonly string[] | undefined;
}

/** The pipeline's own schema (in process: the run process, the CLI, floe/testing). */
export function paramsSchemaOf(pipeline: AnyPipeline): ParamsSchema {
  return { zod: pipeline.options.params ?? z.object({}), declared: declaredParams(paramsJsonSchema(pipeline)) };
}

/** A schema rebuilt from the version's params JSON Schema (made by the loader), without importing user code. */
export function paramsSchemaFromJson(jsonSchema: Record<string, unknown>): ParamsSchema {
  let zod: z.ZodType | null;
  try {
    zod = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType;
  } catch {
    zod = null; // not convertible: leave it to the run, which has the pipeline's own schema
  }
  return { zod, declared: declaredParams(jsonSchema) };
}

/**
 * Params as given -> params with defaults, or diagnostics. `at` names the pipeline and where the params came from
 * (default `params`; a schedule's function gives e.g. `schedules.nightly.params(2025-03-01T00:00:00.000Z)`).
 * @example
 * const checked = checkParams(paramsSchemaOf(pipeline), { n: "3" }, { pipeline: "hello" });
 * // { ok: false, diagnostics: [{ path: "params.n", code: "invalid_type", message: "Invalid input: expected number, received string" }] }
 */
export function checkParams(schema: ParamsSchema, input: unknown, at: { pipeline: string; path?: string | undefined }): ParamsCheck {
  const value = input ?? {};
  const where = at.path ?? "params";
  const unknown = (schema.declared ? unknownParamIssues(schema.declared, value) : []).map((i) => ({
    pipeline: at.pipeline, path: `${where}.${i.path}`, code: "unrecognized_keys", message: i.message,
  }));
  const parsed = schema.zod?.safeParse(value);
  if ((parsed === undefined || parsed.success) && unknown.length === 0) {
    return { ok: true, params: (parsed ? parsed.data : value) as Record<string, unknown> };
  }
  const issues = parsed === undefined || parsed.success ? [] : parsed.error.issues.map((i) => ({
    pipeline: at.pipeline, path: [where, ...i.path.map(String)].join("."), code: i.code, message: i.message,
  }));
  return { ok: false, diagnostics: [...unknown, ...issues] };
}

/** In-process runs: the pipeline's own schema; a ValidationError names each field. */
export function validateParamsOrThrow(pipeline: AnyPipeline, input: unknown): Record<string, unknown> {
  const checked = checkParams(paramsSchemaOf(pipeline), input, { pipeline: pipeline.options.name });
  if (!checked.ok) throw new ValidationError(checked.diagnostics);
  return checked.params;
}

/** What submission knows of a version: its params JSON Schema, made by the loader from the zod schema. */
export interface ParamsVersion {
  pipeline: string;
  version: string;
  paramsSchema: Record<string, unknown>;
}

export interface ParamsChecker {
  /** Checks against the version's schema, converted once per version. */
  check(version: ParamsVersion, input: unknown): ParamsCheck;
}

/** Submission checks in the daemon: one converted schema per version (bounded). */
export function createParamsChecker(max = 256): ParamsChecker {
  const cache = new Map<string, ParamsSchema>();
  const schemaFor = (v: ParamsVersion): ParamsSchema => {
    const key = `${v.pipeline}@${v.version}`;
    let schema = cache.get(key);
    if (schema === undefined) {
      schema = paramsSchemaFromJson(v.paramsSchema);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(key, schema);
    }
    return schema;
  };
  return { check: (version, input) => checkParams(schemaFor(version), input, { pipeline: version.pipeline }) };
}
