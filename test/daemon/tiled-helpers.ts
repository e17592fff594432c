/**
 * @module The tiled seed job on daemons: a project holding both seed pipelines (read from `pipelines/`) and a small
 * ocean-temp repository in a folder the nodes share, plus readers of the target group and of the branch history.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client, type ArraylakeRepo } from "../../src/arraylake/index.ts";
import { createSyntheticOceanTemp, openDataset, readVariable, type SyntheticOptions } from "../../src/data/index.ts";
import { makeProject, repoRoot, type Project } from "./helpers.ts";

export const REPO = "my-climate-company/ocean-data";

/** A project with `seasonal-averages` and `seasonal-averages-tiled`, its repositories in `<project>/repos`. */
export function tiledProject(config: string): Project {
  const source = (name: string): string => readFileSync(join(repoRoot, "pipelines", `${name}.ts`), "utf8");
  return makeProject(
    { "pipelines/seasonal-averages.ts": source("seasonal-averages"), "pipelines/seasonal-averages-tiled.ts": source("seasonal-averages-tiled") },
    `{ arraylake: { localReposDir: "./repos" }, ${config} }`,
  );
}

/**
 * Each helper opens its own client and closes it before returning plain data: a test that kept a repository
 * reachable (in a closure) would keep the WebAssembly build's threads, and so the test process, alive.
 */
async function withRepo<T>(project: Project, fn: (repo: ArraylakeRepo) => Promise<T>): Promise<T> {
  const client = new Client({ token: undefined, localReposDir: join(project.dir, "repos") });
  try {
    return await fn(await client.getOrCreateRepo(REPO));
  } finally {
    client.close();
  }
}

/** Creates the source dataset on `main`: by default a small one (200 days on a 12 x 24 grid). */
export function seedRepo(project: Project, size: SyntheticOptions = { days: 200, resolution: 15, chunks: [30, 12, 24] }): Promise<void> {
  return withRepo(project, async (repo) => {
    const session = await repo.writableSession("main");
    await createSyntheticOceanTemp(session.store, "xarray/ocean-temp", size);
    await session.commit("seed");
  });
}

/** Every variable of the target group at a snapshot, as plain arrays. */
async function targetValues(repo: ArraylakeRepo, snapshotId: string): Promise<Record<string, unknown[]>> {
  const ds = await openDataset(await repo.readonlySession({ snapshotId }), { group: "xarray/avg-season-temps" });
  const out: Record<string, unknown[]> = {};
  for (const name of Object.keys(ds.variables).sort()) out[name] = Array.from((await readVariable(ds.variables[name]!)) as ArrayLike<unknown>);
  return out;
}

export interface Landing {
  /** The snapshots `main` gained after the reference commit, newest first. */
  commitsAfter: string[];
  /** The target group's variables at the landed commit and at the reference one. */
  landed: Record<string, unknown[]>;
  reference: Record<string, unknown[]>;
  branches: string[];
}

/** What a tiled run landed, against the single-machine run's commit. */
export function readLanding(project: Project, reference: string, landed: string): Promise<Landing> {
  return withRepo(project, async (repo) => {
    const ids = (await repo.ancestry({ branch: "main" })).map((s) => s.id);
    return {
      commitsAfter: ids.slice(0, ids.indexOf(reference)),
      landed: await targetValues(repo, landed),
      reference: await targetValues(repo, reference),
      branches: await repo.listBranches(),
    };
  });
}
