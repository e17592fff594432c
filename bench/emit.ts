/** @module What every benchmark prints: one JSON line per measurement, with a `bench` field naming it. */
import { existsSync, readFileSync } from "node:fs";

export function emit(bench: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench, ...fields })}\n`);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/**
 * This process's peak RSS: Linux's VmHWM, which starts afresh at exec (`maxRSS` can carry a parent's high-water
 * mark over fork+exec, as Debian 13's Node spawns), else maxRSS.
 */
export function peakRssMb(): number {
  const hwm = existsSync("/proc/self/status") ? /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] : undefined;
  return round((hwm ? Number(hwm) : process.resourceUsage().maxRSS) / 1024, 1);
}
