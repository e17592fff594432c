/**
 * @module A session of a repository: the library's `Session` with a zarrita-ready `store`, tagged errors,
 * and the lineage hook called on every commit.
 */
import type { Session } from "@earthmover/icechunk";
import { FloeError } from "../core/errors.ts";
import { CommitConflictError, DeferredCommitError } from "./errors.ts";
import { SessionStore } from "./store.ts";
import { guard } from "./translate.ts";

/** A commit landed: `branch` now points at `snapshotId`, whose parent is `parentSnapshotId`. */
export interface CommitEvent {
  repo: string;
  branch: string;
  snapshotId: string;
  parentSnapshotId?: string;
  message: string;
}

/** Who hears a session's commits (a `LineageObserver` is one); awaited before the snapshot id is returned. */
export interface CommitListener {
  onCommit?(event: CommitEvent): void | Promise<void>;
}

/** Passed to `RepoSession.commit` by the run transaction alone, so tasks cannot commit a deferred session. */
export const TRANSACTION_COMMIT: unique symbol = Symbol("floe.transaction-commit");

export interface CommitOptions {
  /** @internal Set by the run transaction that owns a deferred session: the run-level lineage observer. */
  [TRANSACTION_COMMIT]?: CommitListener | undefined;
  /**
   * When the branch moved since the session began, rebase onto it and retry, up to this many times
   * (a rebase that finds conflicting changes still fails with {@link CommitConflictError}). Default 0.
   */
  rebaseAttempts?: number;
}

/** The observer threw after the commit landed; `snapshotId` is committed regardless. */
export class LineageObserverError extends FloeError {
  readonly _tag = "LineageObserverError" as const;
  readonly snapshotId: string;
  constructor(snapshotId: string, cause: unknown) {
    super(`commit ${snapshotId} succeeded but the lineage observer failed: ${String((cause as Error)?.message ?? cause)}`, { cause });
    this.snapshotId = snapshotId;
  }
}

export class RepoSession {
  /** The library's session, for anything not wrapped here. */
  readonly raw: Session;
  /** Pass to zarrita: `zarr.open(zarr.root(session.store))`. */
  readonly store: SessionStore;
  readonly repo: string;
  readonly #observer: CommitListener | undefined;
  /** Owned by a `commit: "on-success"` run: only the run's transaction commits it. */
  readonly #deferred: boolean;

  /** `localRoot`: the folder of a local repository, whose committed chunks a readonly session reads directly. */
  constructor(raw: Session, repo: string, observer: CommitListener | undefined, deferred = false, localRoot?: string) {
    this.raw = raw;
    this.#deferred = deferred;
    this.repo = repo;
    const local = localRoot !== undefined && raw.readOnly ? { root: localRoot, snapshotId: raw.snapshotId } : undefined;
    this.store = new SessionStore(raw.store, repo, local);
    this.#observer = observer;
  }

  get snapshotId(): string {
    return this.raw.snapshotId;
  }
  get branch(): string | undefined {
    return this.raw.branch ?? undefined;
  }
  get readOnly(): boolean {
    return this.raw.readOnly;
  }
  get hasUncommittedChanges(): boolean {
    return this.raw.hasUncommittedChanges;
  }

  /**
   * Commits the session's changes to its branch and returns the new snapshot id.
   * @example
   * const session = await repo.writableSession("main");
   * await zarr.set(arr, null, 1);
   * const id = await session.commit("fill with ones");
   */
  async commit(message: string, options: CommitOptions = {}): Promise<string> {
    if (this.#deferred && !(TRANSACTION_COMMIT in options)) throw new DeferredCommitError(this.repo);
    const observer = TRANSACTION_COMMIT in options ? options[TRANSACTION_COMMIT] : this.#observer;
    const branch = this.raw.branch;
    if (this.raw.readOnly || !branch) {
      throw new CommitConflictError(this.repo, branch ?? "(none)", "a readonly session cannot commit");
    }
    const context = { repo: this.repo, operation: `commit to branch "${branch}"`, branch };
    let attempts = options.rebaseAttempts ?? 0;
    for (;;) {
      const parent = this.raw.snapshotId;
      try {
        const snapshotId = await guard(context, () => this.raw.commit(message));
        await this.#notify(observer, { branch, snapshotId, parent, message });
        return snapshotId;
      } catch (error) {
        if (!(error instanceof CommitConflictError) || attempts <= 0) throw error;
        attempts -= 1;
        await this.rebase();
      }
    }
  }

  /** Moves the session's changes on top of its branch's tip; fails with CommitConflictError on conflicts. */
  async rebase(): Promise<void> {
    const branch = this.raw.branch ?? "(none)";
    await guard({ repo: this.repo, operation: `rebase onto branch "${branch}"`, branch }, () => this.raw.rebase());
  }

  async discardChanges(): Promise<void> {
    await this.raw.discardChanges();
  }

  async #notify(
    observer: CommitListener | undefined,
    e: { branch: string; snapshotId: string; parent: string; message: string },
  ): Promise<void> {
    if (!observer?.onCommit) return;
    try {
      await observer.onCommit({
        repo: this.repo,
        branch: e.branch,
        snapshotId: e.snapshotId,
        ...(e.parent ? { parentSnapshotId: e.parent } : {}),
        message: e.message,
      });
    } catch (error) {
      throw new LineageObserverError(e.snapshotId, error);
    }
  }
}
