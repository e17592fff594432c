/**
 * @module An opened repository: the library's `Repository` plus the calls users know from Python Icechunk
 * (sessions, branches, tags, ancestry), tagged errors naming the repository, and the lineage hook on reads.
 */
import type { Repository, SnapshotInfo } from "@earthmover/icechunk";
import type { RefKind } from "./errors.ts";
import { RefNotFoundError } from "./errors.ts";
import type { LineageObserver } from "./lineage.ts";
import { RepoSession } from "./session.ts";
import { guard } from "./translate.ts";

/** Exactly one of branch, tag or snapshot id. */
export type RefSpec = { branch: string } | { tag: string } | { snapshotId: string };

export interface ResolvedRef {
  kind: "branch" | "tag" | "snapshot";
  name: string;
  snapshotId: string;
}

export type { SnapshotInfo };

const SNAPSHOT_ID = /^[0-9A-HJKMNP-TV-Z]{20}$/;

function describe(ref: RefSpec): { kind: RefKind; name: string } {
  if ("branch" in ref) return { kind: "branch", name: ref.branch };
  if ("tag" in ref) return { kind: "tag", name: ref.tag };
  return { kind: "snapshot", name: ref.snapshotId };
}

export class ArraylakeRepo {
  /** `org/name`, or the absolute path of a repository opened by path. */
  readonly name: string;
  /** The folder holding the repository. */
  readonly path: string;
  /** The opened Icechunk repository, for anything not wrapped here. */
  readonly repository: Repository;
  /** True when opened through a read-only compatibility view (see notes). */
  readonly readOnly: boolean;
  /** Why the repository was opened in a degraded way, if it was. */
  readonly notes: readonly string[];
  readonly #observer: LineageObserver | undefined;
  /** Set for repositories in a local folder: readonly sessions read committed chunks from its files. */
  readonly #local: boolean;

  constructor(init: {
    name: string;
    path: string;
    repository: Repository;
    observer: LineageObserver | undefined;
    readOnly?: boolean;
    notes?: readonly string[];
    /** The repository lives in the folder `path` in Icechunk's layout (chunks/, manifests/, snapshots/). */
    local?: boolean;
  }) {
    this.name = init.name;
    this.path = init.path;
    this.repository = init.repository;
    this.#observer = init.observer;
    this.readOnly = init.readOnly ?? false;
    this.notes = init.notes ?? [];
    this.#local = init.local ?? false;
  }

  #ctx(operation: string, ref?: { kind: RefKind; name: string }) {
    return { repo: this.name, operation, ...(ref ? { ref } : {}), ...(ref?.kind === "branch" ? { branch: ref.name } : {}) };
  }

  /**
   * A session reading one snapshot; reported to the lineage observer.
   * @example
   * const s = await repo.readonlySession({ tag: "v1" });
   * const arr = await zarr.open(zarr.root(s.store).resolve("temp"), { kind: "array" });
   */
  async readonlySession(ref: RefSpec = { branch: "main" }): Promise<RepoSession> {
    const d = describe(ref);
    const raw = await guard(this.#ctx(`open ${d.kind} "${d.name}"`, d), () => this.repository.readonlySession(ref));
    const session = new RepoSession(raw, this.name, this.#observer, false, this.#local ? this.path : undefined);
    await this.#observer?.onRead?.({ repo: this.name, [d.kind === "snapshot" ? "snapshotId" : d.kind]: d.name, snapshotId: raw.snapshotId });
    return session;
  }

  /** A session that writes to `branch` and commits there. */
  async writableSession(branch = "main"): Promise<RepoSession> {
    const open = async (deferred: boolean): Promise<RepoSession> => {
      const ref = { kind: "branch" as const, name: branch };
      const raw = await guard(this.#ctx(`open branch "${branch}" for writing`, ref), () => this.repository.writableSession(branch));
      return new RepoSession(raw, this.name, this.#observer, deferred);
    };
    const transaction = this.#observer?.transaction;
    return transaction ? transaction.session(this.name, branch, () => open(true)) : open(false);
  }

  /** Resolves `--ref` style input: a branch, else a tag, else a snapshot id. */
  async resolveRef(ref: string): Promise<ResolvedRef> {
    const [branches, tags] = await Promise.all([this.listBranches(), this.listTags()]);
    if (branches.includes(ref)) return { kind: "branch", name: ref, snapshotId: await this.lookupBranch(ref) };
    if (tags.includes(ref)) return { kind: "tag", name: ref, snapshotId: await this.lookupTag(ref) };
    if (SNAPSHOT_ID.test(ref)) {
      const info = await this.lookupSnapshot(ref);
      return { kind: "snapshot", name: ref, snapshotId: info.id };
    }
    throw new RefNotFoundError(this.name, "ref", ref);
  }

  /** A readonly session at a resolved `--ref` (branch, tag or snapshot id). */
  async readonlySessionAt(ref: string): Promise<RepoSession> {
    const r = await this.resolveRef(ref);
    return this.readonlySession(r.kind === "branch" ? { branch: r.name } : r.kind === "tag" ? { tag: r.name } : { snapshotId: r.snapshotId });
  }

  async listBranches(): Promise<string[]> {
    return (await guard(this.#ctx("list branches"), () => this.repository.listBranches())).sort();
  }
  async lookupBranch(branch: string): Promise<string> {
    return guard(this.#ctx("look up branch", { kind: "branch", name: branch }), () => this.repository.lookupBranch(branch));
  }
  /** Creates `branch` at `snapshotId` (default: the tip of main). */
  async createBranch(branch: string, snapshotId?: string): Promise<void> {
    const at = snapshotId ?? (await this.lookupBranch("main"));
    await guard(this.#ctx(`create branch "${branch}"`, { kind: "snapshot", name: at }), () => this.repository.createBranch(branch, at));
  }
  async deleteBranch(branch: string): Promise<void> {
    await guard(this.#ctx("delete branch", { kind: "branch", name: branch }), () => this.repository.deleteBranch(branch));
  }
  /** Points `branch` at `snapshotId` (only if it is still at `fromSnapshotId`, when given). */
  async resetBranch(branch: string, snapshotId: string, fromSnapshotId?: string): Promise<void> {
    await guard(this.#ctx("reset branch", { kind: "branch", name: branch }), () =>
      this.repository.resetBranch(branch, snapshotId, fromSnapshotId ?? null),
    );
  }

  async listTags(): Promise<string[]> {
    return (await guard(this.#ctx("list tags"), () => this.repository.listTags())).sort();
  }
  async lookupTag(tag: string): Promise<string> {
    return guard(this.#ctx("look up tag", { kind: "tag", name: tag }), () => this.repository.lookupTag(tag));
  }
  async createTag(tag: string, snapshotId: string): Promise<void> {
    await guard(this.#ctx(`create tag "${tag}"`, { kind: "snapshot", name: snapshotId }), () => this.repository.createTag(tag, snapshotId));
  }
  async deleteTag(tag: string): Promise<void> {
    await guard(this.#ctx("delete tag", { kind: "tag", name: tag }), () => this.repository.deleteTag(tag));
  }

  async lookupSnapshot(snapshotId: string): Promise<SnapshotInfo> {
    return guard(this.#ctx("look up snapshot", { kind: "snapshot", name: snapshotId }), () => this.repository.lookupSnapshot(snapshotId));
  }

  /** Snapshots from `ref` back to the first commit, newest first. */
  async ancestry(ref: RefSpec = { branch: "main" }): Promise<SnapshotInfo[]> {
    const d = describe(ref);
    return guard(this.#ctx("read ancestry", d), () => this.repository.ancestry(ref));
  }
}
