/**
 * @module The remote backend of `Client`: repositories listed, created and deleted through the Arraylake
 * service; opened by asking the service where a repository lives and for credentials, then reading and writing
 * its Icechunk objects directly in the bucket through the storage that {@link storageForRepo} picks.
 */
import { Repository, type Storage } from "@earthmover/icechunk";
import { icechunkBuild } from "../build.ts";
import { RepoNotFoundError } from "../errors.ts";
import type { LineageObserver } from "../lineage.ts";
import { ArraylakeRepo } from "../repo.ts";
import { guard } from "../translate.ts";
import { locationOf, storageForRepo, type StorageSettings } from "./bucket-storage.ts";
import { createServiceApi, SERVICE_HEADERS, type CreateRepoRequest, type RemoteRepoInfo, type ServiceApi } from "./service-api.ts";
import { createServiceHttp, type RetrySettings } from "./service-http.ts";

/** Tuning of the remote backend; defaults suit the real service. */
export interface RemoteSettings extends StorageSettings {
  /** Retries of the service's 429/5xx and unreachable errors. */
  retry?: Partial<RetrySettings> | undefined;
}

export interface RemoteListing {
  org: string;
  name: string;
  id: string;
  /** `s3://bucket/prefix` */
  path: string;
}

export class RemoteBackend {
  readonly api: ServiceApi;
  readonly #settings: RemoteSettings;
  readonly #observer: LineageObserver | undefined;

  constructor(init: { serviceUri: string; token: string; observer: LineageObserver | undefined; settings?: RemoteSettings | undefined }) {
    this.#settings = init.settings ?? {};
    this.#observer = init.observer;
    const http = createServiceHttp({
      serviceUri: init.serviceUri,
      token: init.token,
      headers: { ...SERVICE_HEADERS },
      retry: this.#settings.retry,
      fetch: this.#settings.fetch,
    });
    this.api = createServiceApi(http);
  }

  async listRepos(org: string): Promise<RemoteListing[]> {
    const repos = await this.api.listRepos(org);
    return repos
      .map((r) => ({ org: r.org, name: r.name, id: `${r.org}/${r.name}`, path: locationOf(r) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The Icechunk storage for a repository the service described (S3: floe's; GCS, Azure: the native build's). */
  storageFor(info: RemoteRepoInfo): Promise<Storage> {
    return storageForRepo(info, { api: this.api, build: icechunkBuild(), settings: this.#settings });
  }

  #wrap(info: RemoteRepoInfo, repository: Repository): ArraylakeRepo {
    const notes = info.mode === "maintenance" ? ["the repository is in maintenance mode on the Arraylake service: do not write to it"] : [];
    return new ArraylakeRepo({ name: `${info.org}/${info.name}`, path: locationOf(info), repository, observer: this.#observer, notes });
  }

  async getRepo(org: string, name: string): Promise<ArraylakeRepo> {
    const info = await this.api.getRepo(org, name);
    const id = `${org}/${name}`;
    const storage = await this.storageFor(info);
    const exists = await guard({ repo: id, operation: "check for the Icechunk repository" }, () => Repository.exists(storage));
    if (!exists) {
      throw new RepoNotFoundError(`${id} (registered on the Arraylake service, but no Icechunk repository at ${locationOf(info)})`);
    }
    return this.#wrap(info, await guard({ repo: id, operation: "open" }, () => Repository.open(storage)));
  }

  /** Registers the repository with the service, then creates it in its bucket; unregisters it if that fails. */
  async createRepo(org: string, name: string, request?: CreateRepoRequest): Promise<ArraylakeRepo> {
    const info = await this.api.createRepo(org, name, request);
    try {
      const storage = await this.storageFor(info);
      const repository = await guard({ repo: `${org}/${name}`, operation: "create" }, () => Repository.create(storage));
      return this.#wrap(info, repository);
    } catch (error) {
      await this.api.deleteRepo(org, name).catch(() => undefined);
      throw error;
    }
  }

  async getOrCreateRepo(org: string, name: string): Promise<ArraylakeRepo> {
    try {
      return await this.getRepo(org, name);
    } catch (error) {
      if (!(error instanceof RepoNotFoundError) || error.repo !== `${org}/${name}`) throw error;
      return this.createRepo(org, name);
    }
  }

  /** The service deletes the repository and its data. */
  async deleteRepo(org: string, name: string): Promise<void> {
    await this.api.deleteRepo(org, name);
  }
}
