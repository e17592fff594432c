/**
 * @module Fan-out: a mapped task becomes one row per item of its upstream list (`name[0]`, `name[1]`, ...), and
 * its own row aggregates them: Completed with the results in item order when all complete, else Failed.
 */
import { MapError } from "./errors.ts";
import { created, type RunContext } from "./run-context.ts";
import { TaskRun } from "./task-run.ts";

/** The list a mapped task runs over, or the error when its upstream result is not a list. */
export function listOf(run: RunContext, parent: TaskRun): unknown[] | MapError {
  const over = parent.spec.map!;
  const list = run.tasks.get(over)?.result;
  if (Array.isArray(list)) return list;
  const got = list === null ? "null" : typeof list;
  return new MapError(`task ${parent.key} maps over "${over}", whose result is ${got}, not a list`);
}

/** Creates the item rows (task:create with parent and index); they share the parent's upstream input. */
export function createItems(run: RunContext, parent: TaskRun, list: readonly unknown[]): TaskRun[] {
  const base = parent.input!;
  const items = list.map((item, index) => {
    const row = new TaskRun(`${parent.key}[${index}]`, parent.spec, parent.def, index, parent, item);
    row.input = { params: base.params, upstream: base.upstream, item, index };
    created(run, row);
    return row;
  });
  parent.items = items;
  parent.itemsOpen = items.length;
  return items;
}

/** Once every item is terminal: the gathered results, or the error saying which items did not complete. */
export function gather(parent: TaskRun): unknown[] | MapError {
  const items = parent.items ?? [];
  const bad = items.filter((i) => i.state !== "Completed" && i.state !== "Cached");
  if (bad.length === 0) return items.map((i) => i.result);
  const first = bad[0]!;
  const detail = first.error ? `; ${first.key}: ${first.error.message}` : "";
  return new MapError(`${bad.length} of ${items.length} items of ${parent.key} did not complete${detail}`);
}
