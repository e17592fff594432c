import { defineConfig } from "floe/config";

// Every field is optional; these are the defaults spelled out. Environment variables override:
// FLOE_STATE_DIR, FLOE_PORT, FLOE_HOST, FLOE_API_TOKEN, ARRAYLAKE_TOKEN, ARRAYLAKE_SERVICE__URI.
export default defineConfig({
  stateDir: "state",
  pipelinesDir: "pipelines",
  daemon: { host: "127.0.0.1", port: 4300, shutdownGraceMs: 10_000 },
  concurrency: {
    maxActiveRuns: 8,
    tasksPerRun: 16,
    // Tasks with `pool: "arraylake-writes"` write one at a time across all runs.
    pools: { "arraylake-writes": 1 },
  },
  arraylake: {
    // Local Icechunk repositories live in <stateDir>/arraylake/<org>/<name> unless a token is set.
    defaultOrg: "my-climate-company",
  },
});
