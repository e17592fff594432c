/**
 * @module The daemon's {@link RepoBrowser}: a child process (`src/browse/child.ts`) started on first use, so
 * Icechunk and the data layer never load into the daemon's heap. Tagged errors keep their tag across the
 * boundary (a missing ref stays a 404); a browse process that dies fails its calls with a 503 and is started
 * again on the next call.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BrowserUnavailableError } from "../api/errors.ts";
import { RemoteBrowseError, type RepoBrowser } from "../browse/index.ts";
import { isFromBrowse, type BrowseMethod, type BrowseSettings, type ToBrowse } from "../browse/protocol.ts";

const ENTRY = fileURLToPath(new URL("../browse/child.ts", import.meta.url));
// floe's own tsx (a project folder need not have it), on the main thread only: Icechunk's worker threads need none.
const TSX = import.meta.resolve("../core/register-tsx.mjs");

export interface BrowseProcessOptions {
  settings: () => BrowseSettings;
  env: NodeJS.ProcessEnv;
  cwd: string;
  onExit?: ((reason: string) => void) | undefined;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export function createBrowseProcess(options: BrowseProcessOptions): RepoBrowser {
  let child: { process: ChildProcess; ready: Promise<void> } | undefined;
  const pending = new Map<number, Pending>();
  let ids = 0;
  let closed = false;

  const start = (): { process: ChildProcess; ready: Promise<void> } => {
    const proc = fork(ENTRY, [], {
      cwd: options.cwd, env: options.env, execArgv: ["--import", TSX, "--no-warnings"],
      stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced",
    });
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const ready = new Promise<void>((resolve, reject) => {
      proc.on("message", (m: unknown) => {
        if (!isFromBrowse(m)) return;
        if (m.type === "ready") return resolve();
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new RemoteBrowseError(m.tag, m.message));
      });
      proc.once("exit", (code, signal) => {
        const reason = `the browse process exited (${signal ?? code})${stderr ? `: ${stderr.trim().split("\n").pop()}` : ""}`;
        if (child?.process === proc) child = undefined;
        for (const p of pending.values()) p.reject(new BrowserUnavailableError(reason));
        pending.clear();
        reject(new BrowserUnavailableError(reason));
        if (!closed) options.onExit?.(reason);
      });
    });
    ready.catch(() => {});
    proc.send({ type: "init", settings: options.settings() } satisfies ToBrowse);
    return { process: proc, ready };
  };

  const call = async (method: BrowseMethod, args: unknown[]): Promise<unknown> => {
    if (closed) throw new BrowserUnavailableError("the daemon is stopping");
    child ??= start();
    const { process: proc, ready } = child;
    await ready;
    return new Promise((resolve, reject) => {
      const id = ++ids;
      pending.set(id, { resolve, reject });
      proc.send({ type: "call", id, method, args } satisfies ToBrowse);
    });
  };

  return {
    listRepos: (...args) => call("listRepos", args) as ReturnType<RepoBrowser["listRepos"]>,
    overview: (...args) => call("overview", args) as ReturnType<RepoBrowser["overview"]>,
    tree: (...args) => call("tree", args) as ReturnType<RepoBrowser["tree"]>,
    quicklook: (...args) => call("quicklook", args) as ReturnType<RepoBrowser["quicklook"]>,
    diff: (...args) => call("diff", args) as ReturnType<RepoBrowser["diff"]>,
    async close() {
      closed = true;
      const proc = child?.process;
      child = undefined;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.disconnect();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
    },
  };
}
