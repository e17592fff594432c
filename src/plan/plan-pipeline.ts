/**
 * @module `planPipeline`: a checked spec -> a DAG with levels and a version, or diagnostics naming the task,
 * its file and line, and what is wrong (unknown or duplicate names, self-dependencies, cycles with their path).
 */
import type { Diagnostic } from "../core/errors.ts";
import type { PipelineSpec, TaskSpec } from "../../schemas/pipeline.ts";
import { findCycles } from "./cycles.ts";
import { cacheSpecOf, ms, retrySpecOf } from "./normalize.ts";
import { suggest } from "../core/suggest.ts";
import { PlanCode, type Plan, type PlanEdge, type PlanResult, type PlanSources, type PlanTask } from "./types.ts";
import { versionOf } from "./version.ts";

/**
 * Plans a validated pipeline spec. Pure: the loader reads the files and passes their contents.
 * @example
 * const planned = planPipeline(spec, { file, contents: collectSources(file), locations });
 * if (!planned.ok) for (const d of planned.diagnostics) console.error(formatDiagnostic(d));
 */
export function planPipeline(spec: PipelineSpec, sources: PlanSources): PlanResult {
  const diagnostics: Diagnostic[] = [];
  const report = (task: string, field: string, code: PlanCode, message: string): void => {
    diagnostics.push({ file: sources.file, ...sources.locations?.[task], pipeline: spec.name, path: `tasks.${task}${field}`, code, message });
  };

  const byName = new Map<string, TaskSpec>();
  for (const task of spec.tasks) {
    if (byName.has(task.name)) {
      report(task.name, "", PlanCode.DuplicateTask, `task "${task.name}" is defined more than once`);
    } else byName.set(task.name, task);
  }

  const needs = new Map<string, string[]>();
  for (const task of byName.values()) {
    const own = task.map === undefined ? task.needs : [...task.needs, task.map]; // `map` implies a need
    const list: string[] = [];
    const seen = new Set<string>();
    own.forEach((need, i) => {
      const field = task.map !== undefined && i === own.length - 1 ? ".map" : `.needs.${i}`;
      if (need === task.name) {
        report(task.name, field, PlanCode.SelfDependency, `task "${task.name}" depends on itself`);
      } else if (!byName.has(need)) {
        const hint = suggest(need, byName.keys());
        const tail = hint ? `; did you mean "${hint}"?` : "";
        report(task.name, field, PlanCode.UnknownDependency, `task "${task.name}" needs "${need}", which is not a task of this pipeline${tail}`);
      } else if (!seen.has(need)) {
        seen.add(need);
        list.push(need);
      }
    });
    needs.set(task.name, list);
  }

  for (const cycle of findCycles([...byName.keys()], needs)) {
    const path = cycle.join(" -> ");
    report(cycle[0]!, ".needs", PlanCode.Cycle, `tasks form a cycle: ${path} (each task needs the next)`);
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, plan: buildPlan(spec, sources, byName, needs) };
}

function buildPlan(
  spec: PipelineSpec,
  sources: PlanSources,
  byName: ReadonlyMap<string, TaskSpec>,
  needs: ReadonlyMap<string, string[]>,
): Plan {
  const levelOf = levelsOf([...byName.keys()], needs);
  const tasks: PlanTask[] = [];
  const edges: PlanEdge[] = [];
  const levels: string[][] = [];
  for (const task of byName.values()) {
    const level = levelOf.get(task.name)!;
    const planned: PlanTask = { name: task.name, needs: needs.get(task.name)!, level, tags: task.tags, retry: retrySpecOf(task.retries) };
    if (task.map !== undefined) planned.map = task.map;
    if (task.pool !== undefined) planned.pool = task.pool;
    if (task.timeout !== undefined) planned.timeoutMs = ms(task.timeout);
    const cache = cacheSpecOf(task.cache);
    if (cache) planned.cache = cache;
    if (task.concurrency !== undefined) planned.concurrency = task.concurrency;
    if (task.hookTimeout !== undefined) planned.hookTimeoutMs = ms(task.hookTimeout);
    if (task.distribute ?? spec.distribute) planned.distribute = true;
    tasks.push(planned);
    for (const from of planned.needs) edges.push({ from, to: task.name });
    (levels[level] ??= []).push(task.name);
  }
  const plan: Plan = { pipeline: spec.name, version: versionOf(spec, sources), tasks, edges, levels };
  if (spec.concurrency !== undefined) plan.concurrency = spec.concurrency;
  if (spec.timeout !== undefined) plan.timeoutMs = ms(spec.timeout);
  if (spec.hookTimeout !== undefined) plan.hookTimeoutMs = ms(spec.hookTimeout);
  return plan;
}

/** Longest-path levels by Kahn's algorithm (the graph is known to be acyclic here). */
function levelsOf(nodes: readonly string[], needs: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const waiting = new Map<string, number>();
  const downstream = new Map<string, string[]>();
  for (const node of nodes) {
    const ups = needs.get(node) ?? [];
    waiting.set(node, ups.length);
    for (const up of ups) (downstream.get(up) ?? downstream.set(up, []).get(up)!).push(node);
  }
  const level = new Map<string, number>();
  const queue = nodes.filter((n) => waiting.get(n) === 0);
  for (const n of queue) level.set(n, 0);
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of downstream.get(node) ?? []) {
      level.set(next, Math.max(level.get(next) ?? 0, level.get(node)! + 1));
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  return level;
}
