/**
 * @module scripts/structure/circles: import circles in a directed graph, one concrete circle per strongly
 * connected component (Tarjan), so each message names the exact imports to cut.
 */

export interface Edge<E> {
  readonly from: string;
  readonly to: string;
  readonly via: E;
}

/** One circle per strongly connected component with more than one node (or a self-loop), as its edges in order. */
export function findCircles<E>(edges: readonly Edge<E>[]): Edge<E>[][] {
  const out = new Map<string, Edge<E>[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const circles: Edge<E>[][] = [];
  for (const component of components(out)) {
    const start = [...component].sort()[0]!;
    const circle = shortestCircle(start, component, out);
    if (circle) circles.push(circle);
  }
  return circles.sort((a, b) => a[0]!.from.localeCompare(b[0]!.from));
}

/** Tarjan's algorithm; recursion depth is bounded by the number of files (a few hundred). */
function components<E>(out: ReadonlyMap<string, Edge<E>[]>): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: Set<string>[] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const { to } of out.get(v) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = new Set<string>();
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.add(w);
      if (w === v) break;
    }
    const selfLoop = (out.get(v) ?? []).some((e) => e.to === v);
    if (component.size > 1 || selfLoop) result.push(component);
  };
  for (const v of [...out.keys()].sort()) if (!index.has(v)) connect(v);
  return result;
}

/** Breadth-first from `start` back to itself inside its component: the shortest circle through it. */
function shortestCircle<E>(start: string, component: ReadonlySet<string>, out: ReadonlyMap<string, Edge<E>[]>): Edge<E>[] | undefined {
  const via = new Map<string, Edge<E>>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const e of out.get(queue[i]!) ?? []) {
      if (!component.has(e.to)) continue;
      if (e.to === start) {
        const path = [e];
        for (let node = e.from; node !== start; node = via.get(node)!.from) path.unshift(via.get(node)!);
        return path;
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}
