/** @module Shared helpers of the data tests: fixture paths, xarray's reference results, temp folders. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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
