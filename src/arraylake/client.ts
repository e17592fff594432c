/**
 * @module `Client`: the entry point of floe/arraylake, shaped like the Python `arraylake.Client`.
 * Without a token, `org/name` is a local Icechunk repository at `<localReposDir>/<org>/<name>`; with a token
 * it means the Arraylake service (remote/): never a silent fall-back to local repositories.
 * Anywhere a repository is named, a filesystem path to an Icechunk repository works too.
 */
import { readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { RepoNotFoundError, NotARepositoryError } from "./errors.ts";
import type { LineageObserver } from "./lineage.ts";
import { createAt, looksLikeRepo, openAt } from "./local/open.ts";
import { checkOrg, parseRepoTarget, type RepoTarget } from "./names.ts";
import { releaseUnreachableHandles } from "./release.ts";
import type { ArraylakeRepo } from "./repo.ts";
import { RemoteBackend, type RemoteSettings } from "./remote/remote-backend.ts";
import { validateToken } from "./token.ts";

export const DEFAULT_SERVICE_URI = "https://api.earthmover.io";

export interface ClientOptions {
  /** `ema_...` or a JWT. Default: `env.ARRAYLAKE_TOKEN`. A token selects the remote backend. */
  token?: string | undefined;
  serviceUri?: string | undefined;
  /** Root of local repositories. Default: `$FLOE_STATE_DIR/arraylake`, else `<cwd>/state/arraylake`. */
  localReposDir?: string | undefined;
  /** Told about every readonly session opened and every commit made. */
  observer?: LineageObserver | undefined;
  /** Where defaults come from; default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Resolves relative paths; default `process.cwd()`. */
  cwd?: string | undefined;
  /** Retries, credential refresh margin and fetch of the remote backend (tests shorten them). */
  remote?: RemoteSettings | undefined;
}

export interface RepoListing {
  org: string;
  name: string;
  /** `org/name` */
  id: string;
  /** The folder of a local repository, or `s3://bucket/prefix` of a remote one. */
  path: string;
}

export class Client {
  readonly backend: "local" | "remote";
  readonly serviceUri: string;
  readonly localReposDir: string;
  readonly #token: string | undefined;
  readonly #options: ClientOptions;
  readonly #cwd: string;
  readonly #remote: RemoteBackend | undefined;

  /**
   * @example
   * const client = new Client();                       // local repositories under state/arraylake
   * const repo = await client.getOrCreateRepo("acme/climate");
   */
  constructor(options: ClientOptions = {}) {
    const env = options.env ?? process.env;
    this.#options = options;
    this.#cwd = options.cwd ?? process.cwd();
    const token = "token" in options ? options.token : env.ARRAYLAKE_TOKEN || undefined;
    this.#token = token === undefined ? undefined : validateToken(token);
    this.backend = this.#token ? "remote" : "local";
    this.serviceUri = options.serviceUri ?? env.ARRAYLAKE_SERVICE__URI ?? DEFAULT_SERVICE_URI;
    this.localReposDir = resolve(
      this.#cwd,
      options.localReposDir ?? join(env.FLOE_STATE_DIR || join(this.#cwd, "state"), "arraylake"),
    );
    this.#remote = this.#token
      ? new RemoteBackend({ serviceUri: this.serviceUri, token: this.#token, observer: options.observer, settings: options.remote })
      : undefined;
  }

  /** A client with the same configuration reporting lineage to `observer`. */
  withObserver(observer: LineageObserver): Client {
    return new Client({ ...this.#options, token: this.#token, observer, localReposDir: this.localReposDir, cwd: this.#cwd, serviceUri: this.serviceUri });
  }

  #target(repo: string): RepoTarget & { path: string; display: string } {
    const target = parseRepoTarget(repo, this.#cwd);
    if (target.kind === "path") return { ...target, display: target.path };
    return { ...target, path: join(this.localReposDir, target.org, target.name), display: target.id };
  }

  #open(display: string) {
    return { name: display, observer: this.#options.observer };
  }

  /** Repositories of `org`, sorted by name (empty when the org has none). */
  async listRepos(org: string): Promise<RepoListing[]> {
    checkOrg(org);
    if (this.#remote) return this.#remote.listRepos(org);
    const dir = join(this.localReposDir, org);
    const names = await readdir(dir).catch(() => [] as string[]);
    const out: RepoListing[] = [];
    for (const name of names.sort()) {
      const path = join(dir, name);
      if (await looksLikeRepo(path)) out.push({ org, name, id: `${org}/${name}`, path });
    }
    return out;
  }

  /** Opens `org/name` or a path. */
  async getRepo(repo: string): Promise<ArraylakeRepo> {
    const t = this.#target(repo);
    if (t.kind === "name" && this.#remote) return this.#remote.getRepo(t.org, t.name);
    try {
      return await openAt(t.path, this.#open(t.display));
    } catch (error) {
      if (t.kind === "name" && error instanceof NotARepositoryError) throw new RepoNotFoundError(t.display, { cause: error });
      throw error;
    }
  }

  /** Creates an empty repository (branch main, one initial snapshot); RepoExistsError if there is one. */
  async createRepo(repo: string): Promise<ArraylakeRepo> {
    const t = this.#target(repo);
    if (t.kind === "name" && this.#remote) return this.#remote.createRepo(t.org, t.name);
    return createAt(t.path, this.#open(t.display));
  }

  async getOrCreateRepo(repo: string): Promise<ArraylakeRepo> {
    const t = this.#target(repo);
    if (t.kind === "name" && this.#remote) return this.#remote.getOrCreateRepo(t.org, t.name);
    return (await looksLikeRepo(t.path)) ? openAt(t.path, this.#open(t.display)) : createAt(t.path, this.#open(t.display));
  }

  /** Deletes `org/name` and all its data. Paths are refused: floe deletes only what it manages. */
  async deleteRepo(repo: string): Promise<void> {
    const t = this.#target(repo);
    if (t.kind === "path") throw new RepoNotFoundError(`${repo} (deleteRepo takes "org/name", not a path)`);
    if (this.#remote) return this.#remote.deleteRepo(t.org, t.name);
    if (!(await looksLikeRepo(t.path))) throw new RepoNotFoundError(t.display);
    await rm(t.path, { recursive: true, force: true });
  }

  /** Lets the process exit once repositories and sessions from this client are no longer referenced. */
  close(): void {
    releaseUnreachableHandles();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
