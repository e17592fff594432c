/**
 * @module Data triggers. `onRunEnd`: when a run ends in one of the listed states, each pipeline listening starts a
 * run whose `ctx.trigger` names the upstream run and its commits (keyed by that run: at most one). `onCommit`: each
 * watched (repository, branch) is checked on file events in a local repository's folder and by polling (the
 * fallback, and the only way for remote repositories); a new head starts one run keyed by its snapshot id, then
 * the trigger's cursor moves (both idempotent, so restarts neither lose nor repeat a commit). Coalescing `latest`:
 * while a run of the trigger waits to start, new heads wait too; the next check starts one run for the newest.
 * `all`: one run per snapshot since the cursor, in commit order. With `path`, only snapshots that changed something
 * under it start runs (the others just move the cursor). A commit made by the pipeline's own run does not trigger
 * it unless `includeOwnCommits`. A repository that does not exist is reported (`onRepoMissing`) and polled with backoff.
 */
import { watch, type FSWatcher } from "node:fs";
import type { Trigger } from "../../schemas/pipeline.ts";
import type { Clock } from "../core/clock.ts";
import type { RunState } from "../core/states.ts";
import {
  getRunSnapshots, getSnapshotLineage, getTriggerCursor, setTriggerCursor, type RunRecord, type Store,
} from "../store/index.ts";
import type { DaemonLogger } from "./logger.ts";
import type { ParamsChecker } from "../run/params-check.ts";
import type { Registry } from "./registry.ts";
import type { RunManager } from "./run-manager.ts";

type OnCommit = Extract<Trigger, { onCommit: unknown }>["onCommit"];

/** Reads a branch head (the daemon's Arraylake client), and says where a local repository lives, if it is local. */
export interface HeadReader {
  head(repo: string, branch: string): Promise<string>;
  /** Snapshots after `cursor` up to `head`, oldest first; undefined when `cursor` is not among head's recent ancestors. */
  since(repo: string, cursor: string, head: string): Promise<string[] | undefined>;
  /** Paths of groups and arrays that changed between two snapshots. */
  changedPaths(repo: string, from: string, to: string): Promise<string[]>;
  localDir(repo: string): string | undefined;
  close(): void;
}

export interface Triggers {
  /** Re-reads every active pipeline's triggers (after a reload). */
  sync(): void;
  runEnded(run: RunRecord, state: RunState): Promise<void>;
  stop(): void;
}

interface Watched {
  repo: string;
  branch: string;
  subscribers: { pipeline: string; trigger: OnCommit; index: number }[];
  fsWatcher: FSWatcher | undefined;
  /** The repository was found missing (reported once, until it appears). */
  missing: boolean;
  checking: boolean;
  again: boolean;
  failures: number;
  nextPollAt: number;
}

export function createTriggers(deps: {
  store: Store; registry: Registry; runs: RunManager; params: ParamsChecker; clock: Clock; log: DaemonLogger;
  heads: HeadReader; pollMs: number;
  /** A watched repository does not exist (`index`: the trigger's place in the pipeline's list), or exists again (undefined). */
  onRepoMissing?(pipeline: string, repo: string, index: number | undefined): void;
}): Triggers {
  const { store, registry, runs, log } = deps;
  const watched = new Map<string, Watched>();
  let stopped = false;

  function paramsFor(pipeline: string): { version: string; params: Record<string, unknown> } | undefined {
    const manifest = registry.get(pipeline)?.manifest;
    if (!manifest) return undefined;
    const checked = deps.params.check(manifest, {});
    if (!checked.ok) {
      log.error("trigger:error", `${pipeline}: its params have required fields without defaults; a triggered run cannot start`);
      return undefined;
    }
    return { version: manifest.version, params: checked.params };
  }

  async function start(pipeline: string, key: string, detail: { on: "commit" | "runEnd" } & Record<string, unknown>): Promise<boolean> {
    const p = paramsFor(pipeline);
    if (!p) return false;
    const { run, created } = await runs.create({
      pipeline, version: p.version, params: p.params, trigger: { kind: detail.on, detail }, idempotencyKey: key, createdAt: deps.clock.now(),
    });
    if (created) log.info("trigger:fire", `${pipeline}: run ${run.id} (${String(detail.on)})`, { runId: run.id, pipeline, ...detail });
    return true;
  }

  /** Whether a run of this pipeline started by this trigger is still waiting for its turn (anywhere in a cluster). */
  const waiting = async (pipeline: string, repo: string, branch: string): Promise<boolean> =>
    (await runs.ofPipeline(pipeline)).waiting.some((r) => {
      const d = r.trigger.detail as { on?: unknown; repo?: unknown; branch?: unknown } | null;
      return d?.on === "commit" && d.repo === repo && d.branch === branch;
    });

  /** A commit by this pipeline's own run: skip it (true), or not yet known while its run may still report it (undefined). */
  async function ownCommit(pipeline: string, repo: string, snapshotId: string, trigger: OnCommit): Promise<boolean | undefined> {
    if (trigger.includeOwnCommits) return false;
    const lineage = await getSnapshotLineage(store, repo, snapshotId);
    if (lineage) return lineage.run.pipeline === pipeline;
    return (await runs.ofPipeline(pipeline)).started.length > 0 ? undefined : false;
  }

  /** With `path`: whether the snapshots between `from` and `to` changed anything under it. */
  async function touches(w: Watched, trigger: OnCommit, from: string, to: string): Promise<boolean> {
    if (trigger.path === undefined) return true;
    const path = trigger.path.replace(/^\/+|\/+$/g, "");
    const changed = await deps.heads.changedPaths(w.repo, from, to);
    return changed.some((p) => {
      const q = p.replace(/^\/+/, "");
      return q === path || q.startsWith(`${path}/`);
    });
  }

  /** Starts the runs one subscriber owes for the commits since its cursor, moving the cursor as it goes. */
  async function catchUp(w: Watched, pipeline: string, trigger: OnCommit, head: string): Promise<void> {
    const id = `${pipeline}:${w.repo}@${w.branch}`;
    const cursor = await getTriggerCursor(store, id);
    const now = deps.clock.now();
    // a trigger seen for the first time starts from the current head, like a new schedule starts from now
    if (cursor === undefined) {
      await setTriggerCursor(store, id, pipeline, head, now);
      log.info("trigger:watch", `${pipeline}: watching ${w.repo}@${w.branch} from ${head}`, { pipeline, repo: w.repo, branch: w.branch, snapshotId: head });
      return;
    }
    if (cursor === head) return;
    let snapshots = [head];
    if (trigger.coalesce === "all") {
      const since = await deps.heads.since(w.repo, cursor, head);
      if (since === undefined) log.warn("trigger:gap", `${pipeline}: ${cursor} is not among the last commits of ${w.repo}@${w.branch}; starting from its head`, { pipeline });
      snapshots = since ?? [head];
    } else if (await waiting(pipeline, w.repo, w.branch)) return; // latest: the next check takes the newest head
    let from = cursor;
    for (const snapshotId of snapshots) {
      const own = await ownCommit(pipeline, w.repo, snapshotId, trigger);
      if (own === undefined) return; // look again on the next check
      if (!own && (await touches(w, trigger, from, snapshotId))) {
        const detail = { on: "commit" as const, repo: w.repo, branch: w.branch, snapshotId };
        if (!(await start(pipeline, `commit:${w.repo}@${w.branch}:${snapshotId}`, detail))) return;
      }
      await setTriggerCursor(store, id, pipeline, snapshotId, deps.clock.now());
      from = snapshotId;
    }
  }

  async function check(w: Watched): Promise<void> {
    if (w.checking) {
      w.again = true;
      return;
    }
    w.checking = true;
    try {
      const head = await deps.heads.head(w.repo, w.branch);
      w.failures = 0;
      if (w.missing) {
        w.missing = false;
        for (const { pipeline } of w.subscribers) deps.onRepoMissing?.(pipeline, w.repo, undefined);
      }
      for (const { pipeline, trigger } of w.subscribers) await catchUp(w, pipeline, trigger, head);
    } catch (error) {
      w.failures++;
      const tag = (error as { _tag?: unknown } | null)?._tag;
      if ((tag === "RepoNotFoundError" || tag === "NotARepositoryError") && !w.missing) {
        w.missing = true;
        for (const { pipeline, index } of w.subscribers) deps.onRepoMissing?.(pipeline, w.repo, index);
      }
      if (w.failures === 1 || w.failures % 20 === 0) {
        log.warn("trigger:error", `${w.repo}@${w.branch}: ${(error as Error)?.message ?? String(error)} (retrying with backoff)`, { repo: w.repo });
      }
    } finally {
      w.checking = false;
      // remote repositories and failing checks back off; local ones are also told by file events
      const backoff = Math.min(60_000, deps.pollMs * 2 ** Math.min(6, w.failures));
      w.nextPollAt = Date.now() + (deps.heads.localDir(w.repo) && w.failures === 0 ? deps.pollMs : backoff);
      if (w.again && !stopped) {
        w.again = false;
        void check(w);
      }
    }
  }

  const poller = setInterval(() => {
    const now = Date.now();
    for (const w of watched.values()) if (now >= w.nextPollAt) void check(w);
  }, Math.max(50, Math.min(deps.pollMs, 1000)));
  poller.unref();

  function watchLocal(w: Watched): void {
    const dir = deps.heads.localDir(w.repo);
    if (!dir) return;
    try {
      // Icechunk replaces the `repo` file (spec 2) on every commit; spec 1 refs live deeper: polling sees those
      w.fsWatcher = watch(dir, { recursive: false }, () => void check(w));
      w.fsWatcher.on("error", () => w.fsWatcher?.close());
    } catch {
      w.fsWatcher = undefined; // polling covers it
    }
  }

  function sync(): void {
    const next = new Map<string, { repo: string; branch: string; subscribers: Watched["subscribers"] }>();
    for (const entry of registry.list()) {
      const spec = entry.manifest?.spec;
      for (const [index, t] of (spec?.triggers ?? []).entries()) {
        if (!("onCommit" in t)) continue;
        const key = `${t.onCommit.repo}@${t.onCommit.branch}`;
        const target = next.get(key) ?? { repo: t.onCommit.repo, branch: t.onCommit.branch, subscribers: [] };
        target.subscribers.push({ pipeline: spec!.name, trigger: t.onCommit, index });
        next.set(key, target);
      }
    }
    for (const [key, w] of watched) {
      if (next.has(key)) continue;
      w.fsWatcher?.close();
      watched.delete(key);
    }
    for (const [key, target] of next) {
      const existing = watched.get(key);
      if (existing) {
        existing.subscribers = target.subscribers;
        // a reload rewrote the pipelines' records: say again that the repository is missing
        if (existing.missing) for (const { pipeline, index } of existing.subscribers) deps.onRepoMissing?.(pipeline, existing.repo, index);
        continue;
      }
      const w: Watched = { ...target, fsWatcher: undefined, missing: false, checking: false, again: false, failures: 0, nextPollAt: 0 };
      watched.set(key, w);
      watchLocal(w);
      void check(w);
    }
  }

  return {
    sync,
    async runEnded(run, state) {
      for (const entry of registry.list()) {
        const spec = entry.manifest?.spec;
        for (const t of spec?.triggers ?? []) {
          if (!("onRunEnd" in t) || t.onRunEnd.pipeline !== run.pipeline || !t.onRunEnd.states.includes(state as never)) continue;
          const commits = (await getRunSnapshots(store, run.id)).commits.map((c) => ({ repo: c.repo, branch: c.branch, snapshotId: c.snapshotId }));
          await start(spec!.name, `runEnd:${run.id}`, { on: "runEnd" as const, pipeline: run.pipeline, runId: run.id, state, commits });
        }
      }
    },
    stop() {
      stopped = true;
      clearInterval(poller);
      for (const w of watched.values()) w.fsWatcher?.close();
      watched.clear();
      deps.heads.close();
    },
  };
}
