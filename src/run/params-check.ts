/**
 * @module Params checked at submission without importing user code: the version's params JSON Schema (made by
 * the loader from the zod schema) is turned back into a zod schema here, giving a synchronous 422 with paths for
 * wrong types, ranges, enums and missing fields, and filling defaults. Refinements and transforms do not survive
 * JSON Schema: the run process parses the params again with the pipeline's own zod schema and fails the run with
 * the issues if they are rejected there.
 */
import { z } from "zod";
import type { Diagnostic } from "../core/errors.ts";
import { declaredParams, unknownParamIssues } from "../dsl/unknown-params.ts";

export type ParamsCheck = { ok: true; params: Record<string, unknown> } | { ok: false; diagnostics: Diagnostic[] };

export interface ParamsChecker {
  check(key: string, jsonSchema: Record<string, unknown>, input: unknown, pipeline: string): ParamsCheck;
}

/** Keeps one converted schema per version (bounded). */
export function createParamsChecker(max = 256): ParamsChecker {
  const cache = new Map<string, z.ZodType | null>();
  const schemaFor = (key: string, jsonSchema: Record<string, unknown>): z.ZodType | null => {
    let schema = cache.get(key);
    if (schema === undefined) {
      try {
        schema = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType;
      } catch {
        schema = null; // not convertible: leave it all to the run process
      }
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(key, schema);
    }
    return schema;
  };
  return {
    check(key, jsonSchema, input, pipeline) {
      const schema = schemaFor(key, jsonSchema);
      const value = input ?? {};
      const known = declaredParams(jsonSchema);
      const unknown = (known ? unknownParamIssues(known, value) : []).map((i) => ({
        pipeline, path: `params.${i.path}`, code: "unrecognized_keys", message: i.message,
      }));
      if (!schema) return unknown.length ? { ok: false, diagnostics: unknown } : { ok: true, params: value as Record<string, unknown> };
      const parsed = schema.safeParse(value);
      if (parsed.success && unknown.length === 0) return { ok: true, params: parsed.data as Record<string, unknown> };
      return {
        ok: false,
        diagnostics: [
          ...unknown,
          ...(parsed.success ? [] : parsed.error.issues.map((i) => ({
            pipeline, path: ["params", ...i.path.map(String)].join("."), code: i.code, message: i.message,
          }))),
        ],
      };
    },
  };
}
