/**
 * @module Writing datasets as xarray with zarr-python 3 does (Zarr v3, `dimension_names`, CF attributes,
 * consolidated metadata in the group): `writeDataset` creates or overwrites a group, `writeTemplate` writes its
 * metadata (and in-memory values such as coordinates) for parallel `writeRegion` jobs to fill. Chunks stream
 * (write-chunks.ts): lazy, generated or in-memory variables, a few chunks in flight, CF packing kept or chosen.
 * Every array's metadata is planned before anything is written, so bad input writes nothing.
 */
import { type Dataset, type Variable, chunksOf } from "./dataset.ts";
import { DatasetNotFoundError, InvalidDatasetError, where } from "./errors.ts";
import { type Json, encodeJson } from "./metadata.ts";
import { type Source, openDataset, resolveStore } from "./open.ts";
import type { StandaloneStore } from "./store.ts";
import { writeRegionChunks } from "./write-chunks.ts";
import { v2ChunkKey, v3ToV2 } from "./write-v2.ts";
import { storedTarget } from "./write-target.ts";
import { type Compressor, type PlannedArray, type VariableEncoding, arrayMetadata, defaultChunks, itemSize, writeEncoding } from "./write-metadata.ts";

export { encodeFloatFill, type Compressor, type VariableEncoding } from "./write-metadata.ts";

export interface WriteOptions {
  /** `w` (default) creates or overwrites the group; `w-` refuses to overwrite an existing one. */
  mode?: "w" | "w-" | undefined;
  /** Chunk shape per variable name. */
  chunks?: Readonly<Record<string, readonly number[]>> | undefined;
  /** Chunk length per dimension name, for every variable with that dimension (rechunking, e.g. `{ time: 365 }`). */
  chunksByDim?: Readonly<Record<string, number>> | undefined;
  /** Compressor of every array (default `zstd` level 0); per variable in `encoding`. */
  compressor?: Compressor | undefined;
  /**
   * CF encoding per variable: chosen (`{ dtype: "int16", scaleFactor: 0.01, fillValue: -32768 }`), or `null`
   * to store decoded values. By default a variable read packed is written back packed with its encoding.
   */
  encoding?: Readonly<Record<string, VariableEncoding | null>> | undefined;
  /** Chunks written at once per variable (default 4). */
  concurrency?: number | undefined;
  /**
   * 3 (default): what xarray with zarr-python 3 writes. 2: what xarray 2023.01 with zarr 2 writes (`.zarray`,
   * `_ARRAY_DIMENSIONS`, consolidated `.zmetadata`), for readers without Zarr v3. Append and region writes keep
   * the stored format.
   */
  zarrFormat?: 2 | 3 | undefined;
}

const trim = (group: string): string => group.replace(/^\/+|\/+$/g, "");
const join = (path: string, name: string): string => (path ? `${path}/${name}` : name);

/** Chunks: per variable, else per dimension over the variable's own (or default) chunks. */
function chunksFor(v: Variable, options: WriteOptions, stored: string): number[] {
  const chosen = options.encoding?.[v.name]?.chunks ?? options.chunks?.[v.name];
  if (chosen) return [...chosen];
  const base = v.values ? defaultChunks(v.shape, itemSize(stored)) : [...chunksOf(v)];
  return base.map((c, i) => Math.min(Math.max(1, options.chunksByDim?.[v.dims[i]!] ?? c), Math.max(1, v.shape[i]!)));
}

function planArrays(dataset: Dataset, group: string, options: WriteOptions): Map<string, PlannedArray> {
  const planned = new Map<string, PlannedArray>();
  for (const v of Object.values(dataset.variables)) {
    const encoding = writeEncoding(v, options.encoding?.[v.name]);
    const chunks = chunksFor(v, options, encoding.dtype ?? v.dtype);
    if (chunks.length !== v.shape.length) {
      const ctx = { group, variable: v.name, attribute: "chunks" };
      throw new InvalidDatasetError(`${where(ctx)}: ${chunks.length} chunk lengths for ${v.shape.length} dimensions`, ctx);
    }
    planned.set(v.name, arrayMetadata(group, v, encoding, chunks, options.encoding?.[v.name]?.compressor ?? options.compressor));
  }
  return planned;
}

/** Creates missing parent groups (Zarr v3 has no implicit groups; v2 readers look for `.zgroup`). */
async function ensureParents(store: StandaloneStore, group: string, format: 2 | 3): Promise<void> {
  const parts = group.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const path = parts.slice(0, i).join("/");
    if (!(await store.get(`/${join(path, "zarr.json")}`)) && !(await store.get(`/${join(path, ".zgroup")}`))) {
      if (format === 2) await store.set(`/${join(path, ".zgroup")}`, encodeJson({ zarr_format: 2 }));
      else await store.set(`/${join(path, "zarr.json")}`, encodeJson({ zarr_format: 3, node_type: "group", attributes: {} }));
    }
  }
}

const exists = async (store: StandaloneStore, path: string): Promise<boolean> =>
  !!((await store.get(`/${join(path, "zarr.json")}`)) ?? (await store.get(`/${join(path, ".zgroup")}`)));

/** Removes arrays of the old group that the new dataset does not have, when the store can delete. */
async function dropStale(store: StandaloneStore, target: Source, path: string, keep: Set<string>): Promise<void> {
  const remove = (store.inner as { delete?: (key: string) => Promise<unknown> }).delete;
  if (typeof remove !== "function") return;
  const old = await openDataset(target, { group: path }).catch(() => undefined);
  for (const name of Object.keys(old?.variables ?? {})) {
    if (!keep.has(name)) await remove.call(store.inner, `/${join(join(path, name), "zarr.json")}`);
  }
}

async function write(target: Source, group: string, dataset: Dataset, options: WriteOptions, data: "all" | "memory"): Promise<void> {
  const store = resolveStore(target);
  const path = trim(group);
  const planned = planArrays(dataset, path, options);
  const existed = await exists(store, path);
  if (existed && options.mode === "w-") {
    const ctx = { group: path };
    throw new InvalidDatasetError(`${where(ctx)}: already exists (mode "w-"); use mode "w" to overwrite or appendDataset to add times`, ctx);
  }
  await ensureParents(store, path, options.zarrFormat ?? 3);
  if (existed) await dropStale(store, target, path, new Set(planned.keys()));
  if (options.zarrFormat === 2) return writeV2(store, path, dataset, planned, options, data);
  const consolidated: Record<string, Json> = {};
  for (const v of Object.values(dataset.variables)) {
    const { meta, plan } = planned.get(v.name)!;
    const arrayPath = join(path, v.name);
    await store.set(`/${join(arrayPath, "zarr.json")}`, encodeJson(meta));
    consolidated[v.name] = meta;
    if (data === "memory" && !v.values) continue;
    const ctx = { group: path, variable: v.name };
    await writeRegionChunks({ store, path: arrayPath, meta, plan }, v, { origin: v.shape.map(() => 0), partial: "merge", concurrency: options.concurrency, ctx });
  }
  const groupDoc = {
    attributes: { ...dataset.attrs },
    zarr_format: 3,
    consolidated_metadata: { kind: "inline", must_understand: false, metadata: consolidated },
    node_type: "group",
  };
  // The group document goes last: a reader never sees a group whose arrays are not written yet.
  await store.set(`/${join(path, "zarr.json")}`, encodeJson(groupDoc));
}

/** Zarr v2 output: the same chunks under v2 keys, `.zarray`/`.zattrs` per array, `.zmetadata` last. */
async function writeV2(store: StandaloneStore, path: string, dataset: Dataset, planned: Map<string, PlannedArray>, options: WriteOptions, data: "all" | "memory"): Promise<void> {
  const metadata: Record<string, Json> = { ".zgroup": { zarr_format: 2 }, ".zattrs": { ...dataset.attrs } };
  for (const v of Object.values(dataset.variables)) {
    const { meta, plan } = planned.get(v.name)!;
    const arrayPath = join(path, v.name);
    const { zarray, zattrs } = v3ToV2(meta);
    await store.set(`/${join(arrayPath, ".zarray")}`, encodeJson(zarray));
    await store.set(`/${join(arrayPath, ".zattrs")}`, encodeJson(zattrs));
    Object.assign(metadata, { [`${v.name}/.zarray`]: zarray, [`${v.name}/.zattrs`]: zattrs });
    if (data === "memory" && !v.values) continue;
    const ctx = { group: path, variable: v.name };
    const target = { store, path: arrayPath, meta, plan, chunkKey: (coords: readonly number[]) => v2ChunkKey(arrayPath, coords) };
    await writeRegionChunks(target, v, { origin: v.shape.map(() => 0), partial: "merge", concurrency: options.concurrency, ctx });
  }
  await store.set(`/${join(path, ".zgroup")}`, encodeJson(metadata[".zgroup"]!));
  await store.set(`/${join(path, ".zattrs")}`, encodeJson(metadata[".zattrs"]!));
  await store.set(`/${join(path, ".zmetadata")}`, encodeJson({ metadata, zarr_consolidated_format: 1 }));
}

/**
 * Writes `dataset` as group `group` of `target` (Zarr v3), creating or overwriting it. Lazy and generated
 * variables stream chunk by chunk.
 * @example
 * await writeDataset(session, "xarray/avg-season-temps", await seasonalMean(ds), { compressor: { name: "zstd", level: 3 } });
 */
export async function writeDataset(target: Source, group: string, dataset: Dataset, options: WriteOptions = {}): Promise<void> {
  await write(target, group, dataset, options, "all");
}

/**
 * Writes the group's metadata only, plus variables held in memory (coordinates): the template that
 * `writeRegion` jobs fill, as `ds.to_zarr(store, compute=False)` in xarray.
 * @example
 * await writeTemplate(session, "gfs/forecast", template, { chunksByDim: { time: 24 } });
 */
export async function writeTemplate(target: Source, group: string, dataset: Dataset, options: WriteOptions = {}): Promise<void> {
  await write(target, group, dataset, options, "memory");
}

export interface RegionWriteOptions {
  /** Index range `[start, stop)` per dimension; the others are written whole. */
  region: Readonly<Record<string, readonly [number, number]>>;
  concurrency?: number | undefined;
}

/**
 * Fills a region of a group made by `writeTemplate` (or `writeDataset`), with the stored encoding, as
 * `ds.to_zarr(store, region={...})`: the region must align with chunks (parallel writers never share a chunk);
 * variables without a region dimension are left as the template wrote them. Everything is checked first.
 * @example
 * await writeRegion(session, "gfs/forecast", day, { region: { time: [24, 48] } });
 */
export async function writeRegion(target: Source, group: string, dataset: Dataset, options: RegionWriteOptions): Promise<void> {
  const path = trim(group);
  const stored = await openDataset(target, { group: path });
  const store = resolveStore(target);
  const jobs: (() => Promise<void>)[] = [];
  for (const [dim, range] of Object.entries(options.region)) {
    if (!(dim in stored.dims) || range[0] < 0 || range[1] > stored.dims[dim]! || range[0] >= range[1]) {
      const ctx = { group: path, attribute: "region" };
      throw new InvalidDatasetError(`${where(ctx)}: ${dim} [${range.join(", ")}) is not inside the stored dimensions ${JSON.stringify(stored.dims)}`, ctx);
    }
  }
  for (const v of Object.values(dataset.variables)) {
    if (!v.dims.some((d) => d in options.region)) continue;
    const ctx = { group: path, variable: v.name };
    const old = stored.variables[v.name];
    if (!old || old.dims.join() !== v.dims.join()) {
      throw new InvalidDatasetError(`${where(ctx)}: not in the stored group with dimensions (${v.dims.join(", ")}); write the template first`, ctx);
    }
    const expected = old.shape.map((n, i) => (options.region[v.dims[i]!] ? options.region[v.dims[i]!]![1] - options.region[v.dims[i]!]![0] : n));
    if (expected.join() !== v.shape.join() || old.dtype !== v.dtype || !old.lazy) {
      throw new InvalidDatasetError(`${where(ctx)}: shape [${v.shape.join(", ")}] ${v.dtype} does not fill the region ([${expected.join(", ")}] ${old.dtype})`, ctx);
    }
    // The stored array's own format (v2 or v3), keys and encoding.
    const into = storedTarget(store, old as Parameters<typeof storedTarget>[1], ctx);
    const origin = v.dims.map((d) => options.region[d]?.[0] ?? 0);
    jobs.push(() => writeRegionChunks(into, v, { origin, partial: "refuse", concurrency: options.concurrency, ctx }));
  }
  if (jobs.length === 0) throw new DatasetNotFoundError(`${where({ group: path })}: no variable of the dataset has a region dimension`, { group: path });
  await checkAlignment(stored, dataset, options, path);
  for (const job of jobs) await job();
}

/** Refuses a region that does not start and end on chunk boundaries (or the array's end) before any write. */
async function checkAlignment(stored: Dataset, dataset: Dataset, options: RegionWriteOptions, group: string): Promise<void> {
  for (const v of Object.values(dataset.variables)) {
    const old = stored.variables[v.name];
    if (!old?.lazy) continue;
    v.dims.forEach((d, i) => {
      const range = options.region[d];
      const chunk = old.lazy!.node.chunks[i]!;
      if (range && (range[0] % chunk !== 0 || (range[1] % chunk !== 0 && range[1] !== old.shape[i]))) {
        const ctx = { group, variable: v.name, attribute: "region" };
        throw new InvalidDatasetError(`${where(ctx)}: ${d} [${range[0]}, ${range[1]}) does not align with chunks of ${chunk}; parallel region writes must not share a chunk`, ctx);
      }
    });
  }
}
