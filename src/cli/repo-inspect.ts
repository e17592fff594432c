/** @module `floe repo tree` and `floe repo show`: the Zarr hierarchy of a snapshot, and one array. */
import * as zarr from "zarrita";
import type { RepoSession } from "../arraylake/session.ts";
import { explainNodeError, RepoCommandError, type Where } from "./repo-errors.ts";

export interface TreeNode {
  path: string;
  kind: "group" | "array";
  attributes: Record<string, unknown>;
  shape?: number[];
  dtype?: string;
  chunks?: number[];
}

const decoder = new TextDecoder();

/** Every group and array of the session, sorted by path ("" is the root). */
export async function readTree(session: RepoSession): Promise<TreeNode[]> {
  const keys = (await session.store.list()).filter((k) => k === "zarr.json" || k.endsWith("/zarr.json")).sort();
  const nodes: TreeNode[] = [];
  for (const key of keys) {
    const bytes = await session.store.get(key);
    if (!bytes) continue;
    const meta = JSON.parse(decoder.decode(bytes)) as {
      node_type: "group" | "array";
      attributes?: Record<string, unknown>;
      shape?: number[];
      data_type?: string;
      chunk_grid?: { configuration?: { chunk_shape?: number[] } };
    };
    const path = key === "zarr.json" ? "" : key.slice(0, -"/zarr.json".length);
    const node: TreeNode = { path, kind: meta.node_type, attributes: meta.attributes ?? {} };
    if (meta.node_type === "array") {
      if (meta.shape) node.shape = meta.shape;
      if (meta.data_type) node.dtype = meta.data_type;
      const chunks = meta.chunk_grid?.configuration?.chunk_shape;
      if (chunks) node.chunks = chunks;
    }
    nodes.push(node);
  }
  return nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function formatTree(nodes: readonly TreeNode[]): string {
  return nodes
    .map((n) => {
      const depth = n.path === "" ? 0 : n.path.split("/").length;
      const name = n.path === "" ? "/" : `${n.path.split("/").pop()}${n.kind === "group" ? "/" : ""}`;
      const detail = n.kind === "array" ? `  ${n.dtype} [${n.shape?.join(", ")}] chunks [${n.chunks?.join(", ")}]` : "";
      return `${"  ".repeat(depth)}${name}${detail}`;
    })
    .join("\n");
}

export const MAX_VALUES = 100_000;

export interface ArrayView {
  path: string;
  shape: number[];
  dtype: string;
  chunks: number[];
  attributes: Record<string, unknown>;
  values?: unknown[];
}

/** One array's metadata, and its values (flattened, row-major) when asked and not too many. */
export async function readArray(session: RepoSession, path: string, withValues: boolean, where: Where): Promise<ArrayView> {
  const clean = path.replace(/^\/+|\/+$/g, "");
  const arr = await zarr.open(zarr.root(session.store).resolve(clean), { kind: "array" }).catch((error: unknown) => {
    throw explainNodeError(error, clean, where);
  });
  const view: ArrayView = { path: clean, shape: arr.shape, dtype: arr.dtype, chunks: arr.chunks, attributes: arr.attrs };
  if (withValues) {
    const count = arr.shape.reduce((a, b) => a * b, 1);
    if (count > MAX_VALUES) throw new RepoCommandError(`array "${clean}" has ${count} values; --values prints at most ${MAX_VALUES}`);
    const data = (await zarr.get(arr)).data as ArrayLike<unknown>;
    view.values = Array.from(data, (v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return view;
}
