/** @module `floe demo seed`: create the demo repository the seasonal-averages pipeline reads. */
import { clientFromConfig } from "../arraylake/config.ts";
import { loadConfig } from "../config/index.ts";
import { seedDemoRepo } from "../demo/seed.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, UsageError, type Command } from "./command.ts";

export const demoCommand: Command = {
  name: "demo",
  summary: "demo data: `floe demo seed [--force]` creates my-climate-company/ocean-data",
  usage:
    "Usage: floe demo seed [--force]\n\nCreates the local repository my-climate-company/ocean-data with a synthetic daily ocean\ntemperature dataset at xarray/ocean-temp (skipped when it exists, unless --force adds a new commit).",
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { force: { type: "boolean" } }, { min: 1, max: 1, names: "seed" });
    if (positionals[0] !== "seed") throw new UsageError(`unknown demo action "${positionals[0]}"; expected "seed"`);
    const config = await loadConfig(io.cwd, io.env);
    const client = clientFromConfig(config);
    if (client.backend !== "local") {
      io.stderr("floe demo seed: demo data is for local repositories; unset ARRAYLAKE_TOKEN to use them\n");
      return EXIT.failed;
    }
    const started = Date.now();
    const result = await seedDemoRepo(client, { force: values.force ?? false });
    io.stdout(
      result.created
        ? `created ${result.repo} (xarray/ocean-temp) at snapshot ${result.snapshotId} in ${Date.now() - started} ms\n`
        : `${result.repo} already exists; nothing to do (--force adds a new commit)\n`,
    );
    client.close();
    return EXIT.ok;
  },
};
