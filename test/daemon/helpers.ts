/**
 * Real daemons for tests: a temporary project (config + pipelines + state) inside the repo's .tmp/ (so `import
 * "floe"` resolves by package self-reference), `floe start` in a child process on a free port, and API helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface Project {
  dir: string;
  stateDir: string;
  write(path: string, text: string): void;
  remove(path: string): void;
  cleanup(): void;
}

export function makeProject(files: Record<string, string>, config = "{}"): Project {
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, ".tmp", "daemon-test-"));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write("arraylake.config.ts", `import { defineConfig } from "floe/config";\nexport default defineConfig(${config});\n`);
  mkdirSync(join(dir, "pipelines"), { recursive: true });
  for (const [path, text] of Object.entries(files)) write(path, text);
  return {
    dir,
    stateDir: join(dir, "state"),
    write,
    remove: (path) => rmSync(join(dir, path), { force: true }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RunningDaemon {
  proc: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  stderr: () => string;
  /** Resolves with the exit code after SIGTERM. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  get(path: string): Promise<any>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any }>;
  waitLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const exited = (proc: ChildProcess): Promise<number | null> =>
  proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve(proc.exitCode) : new Promise((r) => proc.once("exit", (code) => r(code)));

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function spawnFloe(project: Project, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [join(repoRoot, "bin/floe.js"), ...args], {
    cwd: project.dir,
    env: { ...process.env, FLOE_PORT: "0", FLOE_STATE_DIR: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A `floe start` process's JSON log lines (a line that is not JSON kept as `{ raw }`) and its stderr so far. */
export function collectOutput(proc: ChildProcess): { lines: Record<string, unknown>[]; stderr(): string } {
  const lines: Record<string, unknown>[] = [];
  let err = "";
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    for (let i = out.indexOf("\n"); i >= 0; i = out.indexOf("\n")) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return { lines, stderr: () => err };
}

/** `floe start` (plus `args`, e.g. `--role worker`) in the project; resolves once it listens. */
export async function startDaemon(project: Project, env: Record<string, string> = {}, args: string[] = []): Promise<RunningDaemon> {
  const proc = spawnFloe(project, ["start", ...args], env);
  const { lines, stderr } = collectOutput(proc);
  const listen = await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`daemon exited ${proc.exitCode}: ${stderr()}`);
      return lines.find((l) => l.event === "daemon:listen");
    },
    90_000, // a loaded 2-core machine can take this long to boot the loaders
    "the daemon to listen",
  ).catch((error: unknown) => {
    // A daemon that never listened must not outlive its test: it would hold the test file open forever.
    proc.kill("SIGKILL");
    throw error;
  });
  const url = listen.url as string;
  // a failed request says what became of the daemon (exit code, signal, last log lines)
  const explain = (e: unknown): Error =>
    new Error(`${(e as Error).message} (daemon exit ${proc.exitCode} signal ${proc.signalCode}; stderr: ${stderr().slice(-500)}; last logs: ${JSON.stringify(lines.slice(-5))})`, { cause: e });
  // A kept-alive socket the server closed while this process was blocked (spawnSync) fails once; a fresh one works.
  const request = (path: string, init?: RequestInit): Promise<Response> =>
    fetch(url + path, init)
      .catch(() => fetch(url + path, { ...init, headers: { ...(init?.headers as Record<string, string>), connection: "close" } }))
      .catch((e: unknown) => Promise.reject(explain(e)));
  const daemon: RunningDaemon = {
    proc, url, lines,
    stderr,
    async stop() {
      proc.kill("SIGTERM");
      return exited(proc);
    },
    async kill9() {
      proc.kill("SIGKILL");
      await exited(proc);
    },
    async get(path) {
      return (await request(path)).json();
    },
    async post(path, body) {
      const res = await request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    waitLog: (pred, timeoutMs = 30_000) => waitFor(() => lines.find(pred), timeoutMs, "a log line"),
  };
  return daemon;
}

/**
 * One daemon shared by a test file: started in `before`, stopped (and the project removed) in `after`. The object
 * answers for the daemon once `before` has run.
 * @example
 * const d = daemonForFile(makeProject({ "pipelines/a.ts": A }));
 */
export function daemonForFile(project: Project, env: Record<string, string> = {}): RunningDaemon {
  let running: RunningDaemon | undefined;
  before(async () => {
    running = await startDaemon(project, env);
  });
  after(async () => {
    await running?.stop();
    project.cleanup();
  });
  const started = (): RunningDaemon => {
    if (!running) throw new Error("the file's daemon starts in before(): use it inside a test");
    return running;
  };
  return {
    get proc() { return started().proc; },
    get url() { return started().url; },
    get lines() { return started().lines; },
    stderr: () => started().stderr(),
    stop: () => started().stop(),
    kill9: () => started().kill9(),
    get: (path) => started().get(path),
    post: (path, body) => started().post(path, body),
    waitLog: (pred, timeoutMs) => started().waitLog(pred, timeoutMs),
  };
}

export const TERMINAL = ["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"];

export async function waitRun(d: RunningDaemon, id: string, pred: (run: any) => boolean = (r) => TERMINAL.includes(r.state), timeoutMs = 40_000): Promise<any> {
  return waitFor(async () => {
    const run = await d.get(`/api/runs/${id}`);
    return pred(run) ? run : undefined;
  }, timeoutMs, `run ${id}`);
}

export async function pipelineStatus(d: RunningDaemon, name: string): Promise<any> {
  const res = await fetch(`${d.url}/api/pipelines/${name}`);
  return res.status === 200 ? res.json() : undefined;
}

export const readJson = (path: string): any => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined);

/** A pipeline module: `name`, then task bodies as source text. */
export function pipelineSource(name: string, body: string, options = ""): string {
  return `import { pipeline, z } from "floe";\nexport default pipeline({ name: ${JSON.stringify(name)}${options ? `, ${options}` : ""} })\n${body};\n`;
}
