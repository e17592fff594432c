/**
 * @module `ctx.arraylake` for a run: one client per task whose lineage observer reports every snapshot the task
 * reads and every commit it makes as run events, so the store records them against the run and task. For a
 * pipeline with `commit: "on-success"`, writable sessions belong to one run transaction, committed at the end.
 * The Icechunk library loads on a task's first call, so runs that never touch a repository start fast.
 */
import type { ArraylakeClient, Client, LineageObserver } from "../arraylake/index.ts";
import { createRunTransaction, type RunTransaction } from "../arraylake/transaction.ts";
import type { Clock } from "../core/clock.ts";
import type { RunEventSink } from "../core/events.ts";

/** Everything but the token, which reaches run processes through their environment only. */
export interface ArraylakeSettings {
  localReposDir: string;
  serviceUri: string;
  cwd: string;
  /**
   * For in-process runs whose config file holds a token; `null` forces local repositories (tests). When absent,
   * the client reads ARRAYLAKE_TOKEN, which is how run processes receive it.
   */
  token?: string | null | undefined;
}

export interface RunArraylake {
  clientFor: (task: string | undefined) => ArraylakeClient;
  /** Present for `commit: "on-success"` pipelines. */
  transaction: RunTransaction | undefined;
}

/** A client whose construction (and the library's load) waits for its first call. */
function lazyClient(make: () => Promise<Client>): ArraylakeClient {
  let client: Promise<Client> | undefined;
  const get = (): Promise<Client> => (client ??= make());
  return {
    listRepos: async (org) => (await get()).listRepos(org),
    getRepo: async (repo) => (await get()).getRepo(repo),
    createRepo: async (repo) => (await get()).createRepo(repo),
    getOrCreateRepo: async (repo) => (await get()).getOrCreateRepo(repo),
    deleteRepo: async (repo) => (await get()).deleteRepo(repo),
    close: () => void client?.then((c) => c.close(), () => {}),
    [Symbol.asyncDispose]: async () => (await client?.catch(() => undefined))?.close(),
  };
}

export function runArraylake(
  settings: ArraylakeSettings,
  run: { runId: string; sink: RunEventSink; clock: Clock; commitOnSuccess: boolean },
): RunArraylake {
  const { runId, sink, clock } = run;
  const events = (task: string | undefined): LineageObserver => ({
    onRead: (e) => sink.emit({ type: "snapshot:read", runId, task, ...e, at: clock.now() }),
    onCommit: (e) => sink.emit({ type: "snapshot:commit", runId, task, ...e, at: clock.now() }),
  });
  // The end-of-run commit is the run's, recorded without a task.
  const transaction = run.commitOnSuccess ? createRunTransaction(events(undefined)) : undefined;
  const clientFor = (task: string | undefined): ArraylakeClient =>
    lazyClient(async () => {
      const { Client } = await import("../arraylake/client.ts");
      return new Client({
        ...(settings.token !== undefined ? { token: settings.token ?? undefined } : {}),
        serviceUri: settings.serviceUri,
        localReposDir: settings.localReposDir,
        cwd: settings.cwd,
        observer: { ...events(task), transaction },
      });
    });
  return { clientFor, transaction };
}
