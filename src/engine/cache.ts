/**
 * @module Results a task may reuse instead of running: its row in the previous run (retry-of-run, resume), or a
 * cached result under its cache key (pipeline version + task name + params + upstream results, as stable JSON,
 * hashed: an edit to the pipeline's code never reuses a result of the old code).
 */
import { hashOf } from "../core/ids.ts";
import { SUCCESSFUL_TASK_STATES } from "../core/states.ts";
import { stableJson } from "../plan/stable-json.ts";
import { isJsonSafe } from "./result-json.ts";
import type { RunContext } from "./run-context.ts";
import type { TaskRun } from "./task-run.ts";

/** The previous run's result for this row, when it succeeded and its result was persisted. */
export function previousResult(run: RunContext, t: TaskRun): { json: string | undefined } | undefined {
  const prev = run.previous?.get(t.key);
  if (prev === undefined || !SUCCESSFUL_TASK_STATES.has(prev.state) || prev.persisted === false) return undefined;
  // item i of a new list is not item i of the old one unless the list itself was reused
  if (t.parent !== undefined && !run.tasks.get(t.parent.spec.map!)?.reused) return undefined;
  return { json: prev.resultJson };
}

/**
 * The task's cache key, or undefined when it does not cache (or its inputs are not JSON). A mapped item's key
 * covers its item instead of the whole list it came from.
 */
export function cacheKeyOf(run: RunContext, t: TaskRun): string | undefined {
  const input = t.input!;
  const custom = t.def.options.cacheKey;
  if (custom !== undefined) {
    try {
      return hashOf(["custom", t.spec.name, String(custom(input))], 32);
    } catch {
      return undefined; // a broken key function means "do not cache", not a failed task
    }
  }
  if (t.spec.cache === undefined) return undefined;
  let upstream = input.upstream;
  if (t.parent !== undefined) {
    upstream = { ...upstream };
    delete upstream[t.spec.map!];
  }
  const keyed = t.parent === undefined ? { params: run.params, upstream } : { params: run.params, upstream, item: t.item };
  if (!isJsonSafe(keyed, 0)) return undefined;
  return hashOf(["inputs", run.version, t.spec.name, stableJson(keyed) ?? ""], 32);
}

/** Parses stored result text; undefined text is an undefined result. Throws on corrupt text. */
export const parseResult = (json: string | undefined): unknown => (json === undefined ? undefined : JSON.parse(json));
