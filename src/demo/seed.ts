/**
 * @module The demo data a fresh machine needs for `floe run seasonal-averages`: the local repository
 * `my-climate-company/ocean-data` with a deterministic synthetic daily ocean temperature dataset.
 */
import { Client } from "../arraylake/index.ts";
import { createSyntheticOceanTemp } from "../data/index.ts";

import { DEMO_GROUP, DEMO_REPO } from "./constants.ts";

export { DEMO_GROUP, DEMO_REPO };
export const DEMO_MESSAGE = "synthetic demo data: two years of daily ocean temperature on a 1-degree grid (not real observations)";

export interface SeedResult {
  repo: string;
  created: boolean;
  snapshotId: string | undefined;
}

/** Creates the demo repository when it is missing (local backend only); leaves an existing one alone. */
export async function seedDemoRepo(client: Client, options: { force?: boolean } = {}): Promise<SeedResult> {
  if (client.backend !== "local") return { repo: DEMO_REPO, created: false, snapshotId: undefined };
  const existing = (await client.listRepos("my-climate-company")).some((r) => r.id === DEMO_REPO);
  if (existing && !options.force) return { repo: DEMO_REPO, created: false, snapshotId: undefined };
  const repo = existing ? await client.getRepo(DEMO_REPO) : await client.createRepo(DEMO_REPO);
  const session = await repo.writableSession("main");
  await createSyntheticOceanTemp(session.store, DEMO_GROUP);
  const snapshotId = await session.commit(DEMO_MESSAGE);
  return { repo: DEMO_REPO, created: true, snapshotId };
}
