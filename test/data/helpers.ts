/** @module Shared helpers of the data tests: fixture paths, xarray's reference results, temp folders. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { openDataset, readVariable } from "floe/data";

export const FIXTURES = fileURLToPath(new URL("../fixtures/data/", import.meta.url));

export interface ReferenceResult {
  labels: (string | number)[];
  dims: string[];
  shape: number[];
  dtype: string;
  attrs: Record<string, unknown>;
  dataset_attrs: Record<string, unknown>;
  temp: (number | null)[];
  depth: (number | null)[];
}

export interface TimeCase {
  units: string;
  calendar: string;
  values: number[];
  dates?: [number, number, number, number, number, number][];
  error?: string;
}

export const reference = JSON.parse(readFileSync(join(FIXTURES, "reference.json"), "utf8")) as Record<
  "v2-standard" | "v2-noleap",
  Record<string, ReferenceResult>
> & { time: TimeCase[] };

/** A fresh temp folder, removed by the returned function. */
export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "floe-data-test-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Copies a fixture store into a temp folder (for tests that damage it). */
export function copyFixture(name: string, into: string): string {
  const target = join(into, name);
  cpSync(join(FIXTURES, name), target, { recursive: true });
  return target;
}

/** Largest (absolute, or relative) difference and NaN-pattern mismatches between values and xarray's (null = NaN). */
export function compare(
  actual: ArrayLike<number | bigint>,
  expected: (number | null)[],
  relative = false,
): { maxDiff: number; nanMismatches: number } {
  let maxDiff = 0;
  let nanMismatches = 0;
  if (actual.length !== expected.length) return { maxDiff: Number.POSITIVE_INFINITY, nanMismatches: -1 };
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = expected[i];
    if (e === null || e === undefined) {
      if (!Number.isNaN(a)) nanMismatches++;
    } else if (Number.isNaN(a)) nanMismatches++;
    else maxDiff = Math.max(maxDiff, Math.abs(a - e) / (relative ? Math.max(1, Math.abs(e)) : 1));
  }
  return { maxDiff, nanMismatches };
}

interface PackedVariable {
  dtype: string;
  dims: string[];
  shape: number[];
  attrs: Record<string, unknown>;
  encoding: Record<string, unknown>;
  values: (number | null)[];
}
export const packed = JSON.parse(readFileSync(join(FIXTURES, "packed-reference.json"), "utf8")) as {
  variables: Record<string, PackedVariable>;
  "season.mean": { labels: string[]; dtype: string; temp: (number | null)[] };
};

/** Checks every packed variable of `source` against what xarray's open_zarr decoded. */
export async function assertDecodedLikeXarray(source: Parameters<typeof openDataset>[0], group?: string): Promise<void> {
  const ds = await openDataset(source, { group });
  for (const [name, ref] of Object.entries(packed.variables)) {
    const v = ds.variables[name]!;
    assert.equal(v.dtype, ref.dtype, `${name}: decoded dtype`);
    assert.deepEqual(v.dims, ref.dims, name);
    assert.deepEqual(v.attrs, ref.attrs, `${name}: attributes without the CF encoding ones`);
    assert.equal(v.encoding.dtype ?? v.dtype, ref.encoding.dtype, `${name}: stored dtype kept in encoding`);
    if ("scale_factor" in ref.encoding) assert.equal(v.encoding.scaleFactor, ref.encoding.scale_factor, name);
    if ("add_offset" in ref.encoding) assert.equal(v.encoding.addOffset, ref.encoding.add_offset, name);
    const values = await readVariable(v);
    assert.equal(values.constructor.name, { float32: "Float32Array", float64: "Float64Array", uint8: "Uint8Array" }[ref.dtype], name);
    const { maxDiff, nanMismatches } = compare(values as Float64Array, ref.values);
    assert.equal(nanMismatches, 0, `${name}: NaN pattern`);
    // Same arithmetic as numpy (float32 where xarray computes in float32): equal to the last bit.
    assert.equal(maxDiff, 0, `${name}: values`);
  }
}

