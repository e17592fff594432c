/**
 * @module Child process for concurrency tests and the bench: commits `count` times to branch main of the
 * repository at `path`, each commit adding its own group; on conflict it rebases and retries. Prints one JSON
 * line: { commits, conflicts }. With `big`, each commit also writes a 4 MB array (for kill-mid-commit tests).
 */
import * as zarr from "zarrita";
import { Client, CommitConflictError } from "../../../src/arraylake/index.ts";

const [path, tag, countArg, big] = process.argv.slice(2);
const count = Number(countArg);
const client = new Client({ env: {} });
const repo = await client.getRepo(path!);
let conflicts = 0;
for (let i = 0; i < count; i++) {
  const session = await repo.writableSession("main");
  await zarr.create(zarr.root(session.store).resolve(`${tag}-${i}`), { attributes: { i } });
  if (big) {
    const arr = await zarr.create(zarr.root(session.store).resolve(`${tag}-${i}/data`), {
      shape: [1024, 1024], dtype: "float32", chunkShape: [256, 1024],
    });
    await zarr.set(arr, null, i);
  }
  for (;;) {
    try {
      await session.commit(`${tag} ${i}`);
      break;
    } catch (error) {
      if (!(error instanceof CommitConflictError)) throw error;
      conflicts += 1;
      await session.rebase();
    }
  }
  if (big) process.stdout.write(`committed ${i}\n`);
}
process.stdout.write(`${JSON.stringify({ commits: count, conflicts })}\n`);
process.exit(0);
