/**
 * @module scripts/structure/check: the structure rules over a source tree. Each problem is one line,
 * `file:line: the import: the rule it breaks`, so a reader can jump to it and knows what to change.
 * @example
 * for (const problem of checkStructure(process.cwd())) console.error(problem);
 */
import { findCircles, type Edge } from "./circles.ts";
import { importsOf, listSources, selfExports, type Import } from "./imports.ts";
import { LAYER_ORDER, OWNED_PACKAGES, TOLERATED_TYPE_IMPORTS, layerOf, parseLayerOrder, type Layer } from "./layers.ts";

const ENTRY = "src/index.ts";
const SCANNED = ["src", "schemas", "pipelines"];

/** Every structure problem under `root`, sorted; empty when the tree keeps the rules. */
export function checkStructure(root: string, order: string = LAYER_ORDER, tolerated = TOLERATED_TYPE_IMPORTS): string[] {
  const layers = parseLayerOrder(order);
  const self = selfExports(root);
  const files = listSources(root, SCANNED);
  const imports = files.flatMap((f) => importsOf(root, f, self));
  const problems: string[] = [];
  for (const file of files) {
    if (file.startsWith("pipelines/") || file === ENTRY || layerOf(layers, file)) continue;
    problems.push(`${file}:1: ${file.split("/").slice(0, 2).join("/")} is in no layer: add it to LAYER_ORDER in scripts/structure/layers.ts and to the README's layer order`);
  }
  for (const i of imports) {
    const problem = ruleBroken(layers, i);
    if (problem) problems.push(`${at(i)}: ${problem}`);
  }
  problems.push(...folderCircles(layers, imports), ...fileCircles(imports, tolerated));
  return problems.sort();
}

function at(i: Import): string {
  return `${i.from}:${i.line}: ${i.typeOnly ? "import type" : "import"} "${i.specifier}"`;
}

function ruleBroken(layers: readonly Layer[], i: Import): string | undefined {
  const from = layerOf(layers, i.from);
  if (i.to === undefined) {
    const owned = OWNED_PACKAGES.find((p) => p.pattern.test(i.specifier));
    if (owned && from?.name !== owned.owner) return `only src/${owned.owner} imports ${i.specifier}; use its API`;
    return undefined;
  }
  if (i.from.startsWith("pipelines/")) {
    return !i.specifier.startsWith(".") || i.to.startsWith("pipelines/") ? undefined : `pipelines import floe by its package name (floe, floe/data, floe/arraylake, floe/testing), never a path into the repository`;
  }
  if (i.to === ENTRY) return `${ENTRY} is the package entry; import the module it re-exports`;
  const to = layerOf(layers, i.to);
  if (!from || !to || to.rank <= from.rank) return undefined;
  return `${from.name} may not import ${to.name} (layer order: ${LAYER_ORDER})`;
}

/** Folders of one brace group may import each other, but never both ways round. */
function folderCircles(layers: readonly Layer[], imports: readonly Import[]): string[] {
  const seen = new Set<string>();
  const edges: Edge<Import>[] = [];
  for (const i of imports) {
    const from = layerOf(layers, i.from)?.name;
    const to = i.to === undefined ? undefined : layerOf(layers, i.to)?.name;
    if (!from || !to || from === to || seen.has(`${from}>${to}`)) continue;
    seen.add(`${from}>${to}`);
    edges.push({ from, to, via: i });
  }
  return findCircles(edges).map((circle) => `${at(circle[0]!.via)}: layer circle ${describe(circle.map((e) => ({ ...e, via: at(e.via) })))}`);
}

/** A circle of static imports, type-only ones included: the design has a knot even when the runtime does not. */
function fileCircles(imports: readonly Import[], tolerated: typeof TOLERATED_TYPE_IMPORTS): string[] {
  const statics = imports.filter((i) => i.to !== undefined && !i.dynamic);
  const isTolerated = (rule: (typeof tolerated)[number], i: Import): boolean => i.typeOnly && rule.from.test(i.from) && i.to === rule.to;
  const edges = (keep: (i: Import) => boolean): Edge<Import>[] => statics.filter(keep).map((i) => ({ from: i.from, to: i.to!, via: i }));
  const problems = findCircles(edges((i) => !tolerated.some((r) => isTolerated(r, i)))).map(
    (circle) => `${at(circle[0]!.via)}: import circle ${describe(circle.map((e) => ({ ...e, via: at(e.via) })))}`,
  );
  for (const rule of tolerated) {
    const others = edges((i) => !isTolerated(rule, i) && !tolerated.some((r) => r !== rule && isTolerated(r, i)));
    const closes = statics.some((i) => isTolerated(rule, i) && reaches(others, i.to!, i.from));
    if (!closes) problems.push(`scripts/structure/layers.ts:1: the tolerated type import ${rule.from} → ${rule.to} closes no circle any more: remove it from TOLERATED_TYPE_IMPORTS`);
  }
  return problems;
}

function reaches(edges: readonly Edge<Import>[], from: string, to: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const seen = new Set([from]);
  for (const queue = [from]; queue.length > 0; ) {
    const node = queue.pop()!;
    if (node === to) return true;
    for (const next of out.get(node) ?? []) if (!seen.has(next)) (seen.add(next), queue.push(next));
  }
  return false;
}

function describe(circle: readonly Edge<string>[]): string {
  return `${circle.map((e) => e.from).join(" → ")} → ${circle[0]!.from} (${circle.map((e) => e.via).join("; ")}); cut one of these imports`;
}
