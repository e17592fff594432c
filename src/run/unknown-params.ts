/**
 * @module Params a pipeline does not declare. zod objects drop unknown keys silently, so `--param nn=3` would run
 * with the default `n`; callers (CLI, API) get an issue instead, with a "did you mean".
 */
import { suggest } from "../core/suggest.ts";

export interface ParamIssue {
  path: string;
  message: string;
}

export function unknownParamIssues(known: readonly string[], input: unknown): ParamIssue[] {
  if (!input || typeof input !== "object" || Array.isArray(input)) return [];
  return Object.keys(input)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = suggest(key, known);
      const expected = known.length ? `; params are ${known.join(", ")}` : "; this pipeline takes no params";
      return { path: key, message: `unknown param "${key}"${near ? ` (did you mean "${near}"?)` : ""}${expected}` };
    });
}

/** Declared top-level names of a JSON Schema object, or undefined when it accepts any key. */
export function declaredParams(jsonSchema: Record<string, unknown>): string[] | undefined {
  const open = jsonSchema.additionalProperties !== undefined && jsonSchema.additionalProperties !== false;
  const properties = jsonSchema.properties;
  if (open || !properties || typeof properties !== "object") return undefined;
  return Object.keys(properties);
}
