/**
 * @module Turns a {@link Pipeline} (what the author wrote) into a checked {@link PipelineSpec} (plain data) or
 * diagnostics naming the file, line, pipeline, field path and what was expected.
 */
import { z } from "zod";
import type { Diagnostic, SourceLocation } from "../core/errors.ts";
import { PipelineSpecSchema, type PipelineSpec } from "../../schemas/pipeline.ts";
import type { AnyPipeline, TaskDefinition } from "./pipeline.ts";

/** The key of the pipeline's own definition in `locations` (no task can have this name). */
export const PIPELINE_LOCATION = "(pipeline)";

export type ValidationResult =
  | { ok: true; spec: PipelineSpec; locations: Record<string, SourceLocation> }
  | { ok: false; diagnostics: Diagnostic[] };

const FUNCTION_OPTIONS = ["retryIf", "cacheKey"] as const;
/** Options holding a function or a list of functions (hooks): checked here, left out of the spec. */
export const HOOK_OPTIONS = ["onSuccess", "onFailure", "onRetry"] as const;

const isHook = (value: unknown): boolean =>
  typeof value === "function" || (Array.isArray(value) && value.every((f) => typeof f === "function"));

function withoutHooks(options: object): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...options };
  for (const key of HOOK_OPTIONS) delete rest[key];
  return rest;
}

function taskData(task: TaskDefinition): Record<string, unknown> {
  const { over, retryIf: _r, cacheKey, ...rest } = withoutHooks(task.options) as TaskDefinition["options"];
  const data: Record<string, unknown> = { name: task.name, ...rest };
  if (over !== undefined) data.map = over;
  if (cacheKey !== undefined && data.cache === undefined) data.cache = "inputs";
  return data;
}

// A function of the slot stays in the pipeline's code (the run process evaluates it); the spec only says so.
function scheduleData(schedule: unknown): unknown {
  if (typeof schedule !== "object" || schedule === null) return schedule;
  const { params, ...rest } = schedule as Record<string, unknown>;
  return typeof params === "function" ? { ...rest, paramsFromSlot: true } : schedule;
}

function pipelineData(p: AnyPipeline): Record<string, unknown> {
  const { params: _params, schedules, ...rest } = withoutHooks(p.options) as unknown as AnyPipeline["options"];
  return { ...rest, ...(Array.isArray(schedules) ? { schedules: schedules.map(scheduleData) } : { schedules }), tasks: p.tasks.map(taskData) };
}

/** Dotted path with task names instead of indexes: `tasks.write.retries.attempts`. */
function pathOf(p: AnyPipeline, path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  if (parts[0] === "tasks" && parts[1] !== undefined) {
    const task = p.tasks[Number(parts[1])];
    if (task) parts[1] = task.name;
  }
  return parts.join(".");
}

function locationOf(p: AnyPipeline, path: readonly PropertyKey[]): SourceLocation {
  if (path[0] === "tasks" && typeof path[1] === "number") return p.tasks[path[1]]?.location ?? p.location;
  return p.location;
}

export function validatePipeline(p: AnyPipeline): ValidationResult {
  const name = typeof p.options?.name === "string" ? p.options.name : undefined;
  const diagnostics: Diagnostic[] = [];
  const at = (loc: SourceLocation, path: string, code: string, message: string): void => {
    diagnostics.push({ ...loc, pipeline: name, path, code, message });
  };

  if (p.options.params !== undefined && !(p.options.params instanceof z.ZodType)) {
    at(p.location, "params", "invalid_params", "expected a zod schema, e.g. z.object({ ... })");
  }
  p.tasks.forEach((task) => {
    if (typeof task.run !== "function") {
      at(task.location, `tasks.${task.name}.run`, "invalid_type", "expected the task's function");
    }
    for (const key of FUNCTION_OPTIONS) {
      const value = (task.options as Record<string, unknown>)[key];
      if (value !== undefined && typeof value !== "function") {
        at(task.location, `tasks.${task.name}.${key}`, "invalid_type", "expected a function");
      }
    }
    for (const key of HOOK_OPTIONS) {
      const value = (task.options as Record<string, unknown>)[key];
      if (value !== undefined && !isHook(value)) {
        at(task.location, `tasks.${task.name}.${key}`, "invalid_type", "expected a function or a list of functions");
      }
    }
  });
  for (const key of HOOK_OPTIONS) {
    const value = (p.options as unknown as Record<string, unknown>)[key];
    if (value !== undefined && !isHook(value)) at(p.location, key, "invalid_type", "expected a function or a list of functions");
  }

  const parsed = PipelineSpecSchema.safeParse(pipelineData(p));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      at(locationOf(p, issue.path), pathOf(p, issue.path), issue.code, issue.message);
    }
  }
  if (diagnostics.length > 0 || !parsed.success) return { ok: false, diagnostics };

  const locations: Record<string, SourceLocation> = { [PIPELINE_LOCATION]: p.location };
  for (const task of p.tasks) locations[task.name] = task.location;
  return { ok: true, spec: parsed.data, locations };
}

/** JSON Schema of the params (for the API, forms and editors). */
export function paramsJsonSchema(p: AnyPipeline): Record<string, unknown> {
  const schema = p.options.params ?? z.object({});
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    return { type: "object" };
  }
}
