/**
 * @module The parent side of the loader: runs loads in disposable child processes (principle 1: user code never
 * enters the daemon's heap). One process is kept warm so a reload skips the start-up cost; a module that hangs
 * at import is killed after `timeoutMs`; one that exits or crashes is reported, never fatal.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FloeError } from "../core/errors.ts";
import { redact } from "../core/redact.ts";
import type { LoadRequest, LoaderMessage } from "./protocol.ts";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

export class LoaderError extends FloeError {
  readonly _tag = "LoaderError" as const;
  readonly reason: "timeout" | "exit" | "error";
  constructor(reason: "timeout" | "exit" | "error", message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface LoaderOptions {
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep one process started and waiting for the next load (the daemon); off for one-shot CLI use. */
  warm?: boolean;
}

interface Warm {
  child: ChildProcess;
  ready: Promise<void>;
}

export interface Loader extends AsyncDisposable {
  load(request: LoadRequest): Promise<Extract<LoaderMessage, { type: "result" }>>;
  close(): Promise<void>;
}

function start(options: LoaderOptions): Warm {
  // Loading needs no Arraylake token; what a module prints at import is redacted all the same.
  const { ARRAYLAKE_TOKEN: _token, ...env } = options.env ?? process.env;
  const child = fork(WORKER, [], {
    cwd: options.cwd,
    env,
    execArgv: ["--import", "tsx", "--no-warnings"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "advanced",
  });
  child.stdout?.on("data", (d: Buffer) => process.stdout.write(redact(d.toString())));
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(redact(d.toString())));
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", (m: LoaderMessage) => (m.type === "ready" ? resolve() : reject(new Error("bad hello"))));
    child.once("exit", (code, signal) => reject(new LoaderError("exit", `loader exited early (${signal ?? code})`)));
  });
  ready.catch(() => {});
  return { child, ready };
}

export function createLoader(options: LoaderOptions): Loader {
  let warm: Warm | undefined = options.warm ? start(options) : undefined;
  let closed = false;

  const take = (): Warm => {
    const next = warm ?? start(options);
    warm = options.warm && !closed ? start(options) : undefined;
    return next;
  };

  async function load(request: LoadRequest): Promise<Extract<LoaderMessage, { type: "result" }>> {
    const { child, ready } = take();
    try {
      await ready;
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new LoaderError("timeout", `loading took longer than ${options.timeoutMs} ms (a module hangs at import?)`));
        }, options.timeoutMs);
        child.once("message", (m: LoaderMessage) => {
          clearTimeout(timer);
          if (m.type === "result") resolve(m);
          else reject(new LoaderError("error", m.type === "error" ? m.message : "unexpected loader message"));
        });
        child.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new LoaderError("exit", `a pipeline module ended the loader process (${signal ?? `exit code ${code}`})`));
        });
        child.send(request);
      });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }

  async function close(): Promise<void> {
    closed = true;
    warm?.child.kill("SIGKILL");
    warm = undefined;
  }

  return { load, close, [Symbol.asyncDispose]: close };
}
