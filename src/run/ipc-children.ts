/**
 * @module The run process's {@link ChildRunner}: the daemon creates child runs (it is the one writer and their
 * supervisor), so a task's `ctx.runPipeline` is a request over IPC. The daemon answers once the child is created
 * (`childStarted`) and, when the task waits, once it ended (`childEnded`); a refusal (unknown pipeline, invalid
 * params) is `childRefused`. An attempt that gives up waiting asks the daemon to cancel the child.
 */
import type { ChildRunner, ChildRunReply } from "../engine/types.ts";
import type { JobChildRequest } from "./protocol.ts";

export interface IpcChildRunner extends ChildRunner {
  started(id: number, runId: string): void;
  ended(id: number, reply: ChildRunReply): void;
  refused(id: number, message: string): void;
}

interface Waiter {
  wait: boolean;
  runId: string | undefined;
  resolve(reply: ChildRunReply): void;
  reject(error: unknown): void;
}

/** `send` reaches the node: from a run process, or from a task job process (a distributed task's child runs). */
export function createIpcChildRunner(send: (message: JobChildRequest) => void): IpcChildRunner {
  let nextId = 0;
  const pending = new Map<number, Waiter>();
  const names = new Map<number, string>();
  return {
    run(request, signal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      const id = ++nextId;
      names.set(id, request.pipeline);
      return new Promise<ChildRunReply>((resolve, reject) => {
        const onAbort = (): void => {
          const waiter = pending.get(id);
          pending.delete(id);
          if (waiter?.runId !== undefined) send({ type: "childCancel", runId: waiter.runId, reason: "the task waiting for it stopped" });
          reject(signal.reason);
        };
        const done = (): void => {
          pending.delete(id);
          names.delete(id);
          signal.removeEventListener("abort", onAbort);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        pending.set(id, {
          wait: request.wait,
          runId: undefined,
          resolve: (reply) => (done(), resolve(reply)),
          reject: (error) => (done(), reject(error)),
        });
        send({ type: "child", id, ...request });
      });
    },
    started(id, runId) {
      const waiter = pending.get(id);
      if (waiter === undefined) {
        // created after the task gave up waiting: it was asked for with wait, so it must not run on its own
        send({ type: "childCancel", runId, reason: "the task waiting for it stopped" });
        return;
      }
      waiter.runId = runId;
      if (!waiter.wait) waiter.resolve({ runId, pipeline: names.get(id) ?? "", state: "Pending" });
    },
    ended(id, reply) {
      pending.get(id)?.resolve(reply);
    },
    refused(id, message) {
      pending.get(id)?.reject(new Error(message));
    },
  };
}
