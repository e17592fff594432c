/**
 * @module scripts/test-order: the order `npm test` runs the test files in, from the measured wall times committed in
 * `test/timings.txt`. Listed files go first, longest first, so the longest file never ends the run alone; files not
 * listed (new ones) follow in name order. Files marked `beside` mostly wait (leases, link cuts, schedule slots): they
 * run one at a time in a lane of their own next to the main lane.
 * @example
 * const { main, beside } = orderTestFiles(testFiles("."), parseTimings(readFileSync("test/timings.txt", "utf8")));
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export interface Timing {
  readonly file: string;
  readonly seconds: number;
  readonly beside: boolean;
}

/** `[beside] <seconds> <path>` per line; `#` starts a comment. A malformed line is an error naming it. */
export function parseTimings(text: string, source = "test/timings.txt"): Timing[] {
  const timings: Timing[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const m = /^(beside\s+)?(\d+(?:\.\d+)?)\s+(\S+\.test\.ts)$/.exec(line);
    if (!m) throw new Error(`${source}:${i + 1}: expected "[beside] <seconds> <test file>", got ${JSON.stringify(raw)}`);
    timings.push({ file: m[3]!, seconds: Number(m[2]), beside: m[1] !== undefined });
  });
  return timings;
}

/** Every `*.test.ts` under `<root>/test`, repository-relative, in name order. */
export function testFiles(root: string): string[] {
  return readdirSync(join(root, "test"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => `test/${f}`)
    .sort();
}

/** The files to run, split into the main lane (longest first, then the rest by name) and the beside lane. */
export function orderTestFiles(files: readonly string[], timings: readonly Timing[]): { main: string[]; beside: string[] } {
  const known = new Map(timings.map((t) => [t.file, t]));
  const listed = files.filter((f) => known.has(f)).sort((a, b) => known.get(b)!.seconds - known.get(a)!.seconds);
  const rest = files.filter((f) => !known.has(f)).sort();
  return {
    main: [...listed.filter((f) => !known.get(f)!.beside), ...rest],
    beside: listed.filter((f) => known.get(f)!.beside),
  };
}
