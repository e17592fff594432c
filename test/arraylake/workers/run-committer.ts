/** Runs committer.ts in its own process: a second writer racing for a branch (faults test and arraylake bench). */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const COMMITTER = fileURLToPath(new URL("./committer.ts", import.meta.url));

export function runCommitter(path: string, tag: string, count: number): Promise<{ commits: number; conflicts: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", COMMITTER, path, tag, String(count)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`committer exited ${code}`))));
  });
}
