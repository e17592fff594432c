/**
 * @module scripts/run-tests: `npm test`. First the checks (type-check, lint, layer order) side by side, each one's
 * output printed whole once it ends; any failure stops here (exit 1). Then every test file with Node's test runner:
 * the main lane two files at a time, longest first (scripts/test-order.ts, `test/timings.txt`), and next to it the
 * `beside` lane (files that mostly wait), one file at a time, its report printed whole when it ends. Exit 1 when a
 * lane fails. Arguments are test files to run instead of all (the checks are then skipped).
 * @example
 * npm test                                           # checks, then every test file
 * node --import tsx scripts/run-tests.ts test/daemon/basic.test.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { orderTestFiles, parseTimings, testFiles } from "./test-order.ts";

const root = process.cwd();
const children = new Set<ChildProcess>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(130);
  });
}

/** Runs a command; `buffered` keeps its output and prints it whole at the end (lanes and checks never interleave). */
function run(command: string, args: readonly string[], buffered: boolean): Promise<number> {
  const child = spawn(command, args, { cwd: root, stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit" });
  children.add(child);
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => {
    child.once("close", (code, signal) => {
      children.delete(child);
      if (buffered) process.stdout.write(output);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const npx = (bin: string, ...args: string[]): [string, string[]] => [process.execPath, [`node_modules/${bin}`, ...args]];

async function checks(): Promise<boolean> {
  const steps: Record<string, [string, string[]]> = {
    typecheck: npx("typescript/bin/tsc", "-p", "tsconfig.json", "--noEmit"),
    lint: npx("eslint/bin/eslint.js", "."),
    structure: [process.execPath, ["--import", "tsx", "scripts/check-structure.ts"]],
  };
  const codes = await Promise.all(Object.entries(steps).map(async ([name, [cmd, args]]) => {
    const code = await run(cmd, args, true);
    if (code !== 0) console.error(`npm test: ${name} failed (exit ${code})`);
    return code;
  }));
  return codes.every((c) => c === 0);
}

const chosen = process.argv.slice(2);
if (chosen.length === 0 && !(await checks())) process.exit(1);
const { main, beside } = orderTestFiles(chosen.length > 0 ? chosen : testFiles(root), parseTimings(readFileSync("test/timings.txt", "utf8")));
const nodeTest = (concurrency: number, files: string[]): string[] => ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, ...files];
const lanes = [
  main.length > 0 ? run(process.execPath, nodeTest(2, main), false) : Promise.resolve(0),
  beside.length > 0 ? run(process.execPath, nodeTest(1, beside), true) : Promise.resolve(0),
];
const codes = await Promise.all(lanes);
if (codes.some((c) => c !== 0)) {
  console.error(`npm test: ${codes[0] !== 0 ? "the main lane" : ""}${codes.every((c) => c !== 0) ? " and " : ""}${codes[1] !== 0 ? `the beside lane (${beside.join(", ")})` : ""} failed`);
  process.exit(1);
}
