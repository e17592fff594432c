import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const REGISTER = fileURLToPath(new URL("../../src/core/register-tsx.mjs", import.meta.url));
const TSX = fileURLToPath(import.meta.resolve("tsx"));

/** Runs a TypeScript entry under `--import <loader>`; it starts a worker as Icechunk's WASM build does. */
function run(loader: string): { answer: number; tsxInWorker: boolean } {
  const dir = mkdtempSync(join(tmpdir(), "floe-register-tsx-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "typed.ts"), "export const answer: number = 42;\n");
    writeFileSync(
      join(dir, "worker.mjs"),
      `import { parentPort } from "node:worker_threads";
import { createRequire } from "node:module";
parentPort.postMessage(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("/tsx/")));
`,
    );
    writeFileSync(
      join(dir, "main.ts"),
      `import { Worker } from "node:worker_threads";
const { answer } = await import("./typed.ts");
const worker = new Worker(new URL("./worker.mjs", import.meta.url), { execArgv: process.execArgv });
const tsxInWorker = await new Promise((resolve) => worker.once("message", resolve));
await worker.terminate();
console.log(JSON.stringify({ answer, tsxInWorker }));
`,
    );
    const out = execFileSync(process.execPath, ["--import", loader, "--no-warnings", join(dir, "main.ts")], { encoding: "utf8" });
    return JSON.parse(out.trim()) as { answer: number; tsxInWorker: boolean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("register-tsx: TypeScript on the main thread, and no tsx loaded in worker threads that inherit the flag", () => {
  assert.deepEqual(run(TSX), { answer: 42, tsxInWorker: true }, "plain --import tsx loads it into every worker");
  assert.deepEqual(run(REGISTER), { answer: 42, tsxInWorker: false });
});
