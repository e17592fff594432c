/**
 * @module Plans on the wire: a plan posted to a worker thread is the same tree with each `source` replaced by
 * what a worker can use — values in memory, or a stored array's metadata documents (its chunks are read by
 * the worker from a local folder itself, or asked of the main thread by key). Generated variables stay here.
 */
import type { Variable } from "../dataset.ts";
import type { CFPlan } from "../cf-codec.mjs";
import { FileSystemStore } from "../store.ts";
import type { PlanNode, SourceParams } from "./plan.ts";

/** A stored source as a worker sees it. */
export interface WireStored {
  readonly kind: "stored";
  /** Index into the plan's stored sources (the main thread serves their chunk bytes). */
  readonly id: number;
  readonly name: string;
  readonly format: 2 | 3;
  readonly path: string;
  readonly docs: Record<string, unknown>;
  readonly missing: readonly number[];
  readonly cf: CFPlan | undefined;
  /** Root folder of a local store: the worker reads chunk files itself. */
  readonly root: string | undefined;
}

export interface WireValues {
  readonly kind: "values";
  readonly variable: Variable;
}

/** A plan with wire sources, and the stored variables by id (kept on the main thread). */
export interface Wired {
  readonly plan: PlanNode;
  readonly stored: readonly Variable[];
}

/** The plan for a worker, or undefined when a source cannot leave this thread (a generated variable). */
export function toWire(plan: PlanNode): Wired | undefined {
  const stored: Variable[] = [];
  const done = new Map<PlanNode, PlanNode>();
  let portable = true;
  const visit = (n: PlanNode): PlanNode => {
    const seen = done.get(n);
    if (seen) return seen;
    let out: PlanNode;
    if (n.op === "source") {
      const { variable } = n.params as SourceParams;
      if (variable.values) out = { ...n, params: { wire: { kind: "values", variable: { ...variable, lazy: undefined, generated: undefined } } } };
      else if (variable.lazy) {
        const { node, array } = variable.lazy;
        const inner = array.store.inner;
        const wire: WireStored = {
          kind: "stored",
          id: stored.push(variable) - 1,
          name: variable.name,
          format: node.format,
          path: node.path,
          docs: node.docs,
          missing: variable.encoding.missing,
          cf: variable.encoding.cf,
          root: inner instanceof FileSystemStore ? inner.root : undefined,
        };
        out = { ...n, params: { wire } };
      } else {
        portable = false;
        out = n;
      }
    } else out = { ...n, inputs: n.inputs.map(visit) };
    done.set(n, out);
    return out;
  };
  const wired = visit(plan);
  return portable ? { plan: wired, stored } : undefined;
}
