/**
 * @module Run-scoped writable sessions for pipelines declared `commit: "on-success"`: every task of a run that
 * opens a writable session on the same repository and branch gets the same session; nothing is committed until
 * the run's tasks have all succeeded, then each session commits once (rebasing when the branch moved and
 * Icechunk finds no conflict). A failed run discards them.
 */
import { TRANSACTION_COMMIT, type CommitListener, type RepoSession } from "./session.ts";

export interface CommittedSession {
  repo: string;
  branch: string;
  snapshotId: string;
}

export interface RunTransaction {
  /** The run's shared session for (repo, branch), opening it on first use. */
  session(repo: string, branch: string, open: () => Promise<RepoSession>): Promise<RepoSession>;
  /** Commits every session with changes; the first conflict that rebasing cannot solve is thrown. */
  commitAll(message: string, rebaseAttempts?: number): Promise<CommittedSession[]>;
  discardAll(): Promise<void>;
}

/** `observer` hears the end-of-run commits (they belong to the run, not to the task that opened the session). */
export function createRunTransaction(observer?: CommitListener): RunTransaction {
  const sessions = new Map<string, { repo: string; branch: string; session: Promise<RepoSession> }>();
  return {
    session(repo, branch, open) {
      const key = `${repo}\0${branch}`;
      let entry = sessions.get(key);
      if (!entry) {
        entry = { repo, branch, session: open() };
        sessions.set(key, entry);
        // A failed open is not cached: the next task may try again.
        entry.session.catch(() => sessions.delete(key));
      }
      return entry.session;
    },
    async commitAll(message, rebaseAttempts = 3) {
      const done: CommittedSession[] = [];
      for (const { repo, branch, session } of sessions.values()) {
        const s = await session;
        if (!s.hasUncommittedChanges) continue;
        const snapshotId = await s.commit(message, { rebaseAttempts, [TRANSACTION_COMMIT]: observer });
        done.push({ repo, branch, snapshotId });
      }
      sessions.clear();
      return done;
    },
    async discardAll() {
      for (const { session } of sessions.values()) await (await session.catch(() => undefined))?.discardChanges();
      sessions.clear();
    },
  };
}
