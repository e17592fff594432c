/**
 * @module The tree of groups and arrays at one snapshot, walked folder by folder (never listing chunk keys),
 * with each array's shape, dtype, chunks, codecs, dimension names and attributes; CF time coordinates get their
 * first and last dates.
 */
import { openDataset, type DataStore } from "../data/index.ts";
import { isTimeCoordinate, labelsOf } from "./labels.ts";
import type { ArrayInfo, TreeNode } from "./types.ts";

/** A walk stops after this many nodes (and says so). */
export const MAX_NODES = 2000;

export interface ListableStore extends DataStore {
  listDir(prefix: string): Promise<string[]>;
}

type Json = Record<string, unknown>;
const decoder = new TextDecoder();

async function readDoc(store: DataStore, path: string): Promise<Json | undefined> {
  const bytes = await store.get(`/${path ? `${path}/` : ""}zarr.json` as `/${string}`);
  if (!bytes) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes)) as Json;
  } catch {
    return undefined;
  }
}

function codecNames(codecs: unknown): string[] {
  if (!Array.isArray(codecs)) return [];
  return codecs.flatMap((c: { name?: unknown; configuration?: { codecs?: unknown } }) => {
    const name = typeof c?.name === "string" ? c.name : "?";
    return name === "sharding_indexed" ? [`${name}(${codecNames(c.configuration?.codecs).join(", ")})`] : [name];
  });
}

function arrayInfo(path: string, doc: Json): ArrayInfo {
  const grid = doc.chunk_grid as { configuration?: { chunk_shape?: number[] } } | undefined;
  const shape = Array.isArray(doc.shape) ? (doc.shape as number[]) : [];
  return {
    kind: "array",
    path,
    shape,
    dtype: typeof doc.data_type === "string" ? doc.data_type : JSON.stringify(doc.data_type),
    chunks: grid?.configuration?.chunk_shape ?? shape,
    codecs: codecNames(doc.codecs),
    dims: Array.isArray(doc.dimension_names) ? (doc.dimension_names as (string | null)[]).map((d, i) => d ?? `dim_${i}`) : shape.map((_, i) => `dim_${i}`),
    fillValue: doc.fill_value ?? null,
    attrs: (doc.attributes as Json | undefined) ?? {},
  };
}

/** Every group and array, in path order. */
export async function walkTree(store: ListableStore): Promise<{ nodes: TreeNode[]; cut: boolean }> {
  const nodes: TreeNode[] = [];
  const root = await readDoc(store, "");
  nodes.push({ kind: "group", path: "", attrs: (root?.attributes as Json | undefined) ?? {} });
  const queue = [""];
  let cut = false;
  while (queue.length > 0 && !cut) {
    const group = queue.shift()!;
    // Children of a group: every entry but its own document (Icechunk lists names without a trailing slash).
    const names = (await store.listDir(group ? `${group}/` : "")).map((n) => n.replace(/\/$/, "")).filter((n) => n !== "zarr.json").sort();
    for (const name of names) {
      if (nodes.length >= MAX_NODES) {
        cut = true;
        break;
      }
      const path = `${group ? `${group}/` : ""}${name}`;
      const doc = await readDoc(store, path);
      if (doc?.node_type === "array") nodes.push(arrayInfo(path, doc));
      else if (doc?.node_type === "group") {
        nodes.push({ kind: "group", path, attrs: (doc.attributes as Json | undefined) ?? {} });
        queue.push(path);
      }
    }
  }
  await addTimeRanges(store, nodes);
  nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { nodes, cut };
}

/** First and last dates of CF time coordinates, read through the data layer (its calendars). */
async function addTimeRanges(store: DataStore, nodes: TreeNode[]): Promise<void> {
  for (const node of nodes) {
    if (node.kind !== "array" || node.shape.length !== 1 || !isTimeCoordinate({ attrs: node.attrs } as never)) continue;
    const cut = node.path.lastIndexOf("/");
    const group = cut < 0 ? "" : node.path.slice(0, cut);
    const dim = node.dims[0]!;
    try {
      const dataset = await openDataset(store, { group });
      const n = node.shape[0]!;
      const labels = n > 0 ? await labelsOf(dataset, dim, [0, n - 1]) : null;
      const calendar = typeof node.attrs.calendar === "string" ? node.attrs.calendar : "standard";
      node.time = { first: labels?.[0] ?? null, last: labels?.[1] ?? null, calendar };
    } catch {
      // An undecodable time axis is shown by its raw attributes only.
    }
  }
}
