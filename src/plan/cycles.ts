/** @module Cycle detection over `needs`, reporting each cycle's path. Iterative, so long chains cannot overflow. */

/**
 * Finds cycles in a graph given as node -> the nodes it needs (nodes in definition order). Each cycle is
 * returned once, as a path that starts and ends at its earliest-defined node: `[a, b, c, a]` means a needs b,
 * b needs c, c needs a. Self-loops are left to the caller.
 */
export function findCycles(nodes: readonly string[], needs: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = new Map(nodes.map((n, i) => [n, i]));
  const color = new Map<string, 1 | 2>(); // 1: on the DFS stack, 2: done
  const reported = new Set<string>();
  const cycles: string[][] = [];
  for (const root of nodes) {
    if (color.has(root)) continue;
    const stack: { node: string; next: number }[] = [{ node: root, next: 0 }];
    color.set(root, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const edges = needs.get(frame.node) ?? [];
      if (frame.next >= edges.length) {
        color.set(frame.node, 2);
        stack.pop();
        continue;
      }
      const target = edges[frame.next++]!;
      if (target === frame.node || !order.has(target)) continue;
      const state = color.get(target);
      if (state === undefined) {
        color.set(target, 1);
        stack.push({ node: target, next: 0 });
      } else if (state === 1) {
        const path = stack.slice(stack.findIndex((f) => f.node === target)).map((f) => f.node);
        // a cycle whose nodes were all reported already is another route through the same knot
        if (path.every((n) => reported.has(n))) continue;
        for (const n of path) reported.add(n);
        cycles.push(rotateToEarliest(path, order));
      }
    }
  }
  return cycles;
}

function rotateToEarliest(path: string[], order: ReadonlyMap<string, number>): string[] {
  let start = 0;
  for (let i = 1; i < path.length; i++) if (order.get(path[i]!)! < order.get(path[start]!)!) start = i;
  const rotated = [...path.slice(start), ...path.slice(0, start)];
  return [...rotated, rotated[0]!];
}
