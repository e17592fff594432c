/** @module `floe plan <pipeline> [--json]`: the DAG a pipeline runs as, level by level. */
import { loadConfig } from "../config/index.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, type Command } from "./command.ts";
import { allDiagnostics, allPipelines, describeDiagnostic, loadAllPipelines } from "./load-pipelines.ts";

export const planCommand: Command = {
  name: "plan",
  summary: "show a pipeline's DAG (tasks by level, edges, version)",
  usage: "Usage: floe plan <pipeline> [--json]",
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } }, { min: 1, max: 1, names: "<pipeline>" });
    const name = positionals[0]!;
    const config = await loadConfig(io.cwd, io.env);
    const result = await loadAllPipelines(config, io.env);
    const loaded = allPipelines(result).find((p) => p.name === name);
    if (!loaded) {
      const related = allDiagnostics(result).filter((d) => d.pipeline === name || d.pipeline === undefined);
      io.stderr(`floe plan: no valid pipeline named "${name}"\n`);
      for (const d of related) io.stderr(`  ${describeDiagnostic(d, io.cwd)}\n`);
      return EXIT.failed;
    }
    const plan = loaded.plan;
    if (values.json) {
      io.stdout(`${JSON.stringify(plan, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(`${plan.pipeline}  version ${plan.version}  ${plan.tasks.length} tasks in ${plan.levels.length} levels\n`);
    const byName = new Map(plan.tasks.map((t) => [t.name, t]));
    plan.levels.forEach((level, i) => {
      io.stdout(`level ${i}\n`);
      for (const taskName of level) {
        const t = byName.get(taskName)!;
        const extras = [
          t.needs.length ? `needs ${t.needs.join(", ")}` : "",
          t.map ? `maps over ${t.map}` : "",
          t.retry.attempts ? `retries ${t.retry.attempts}` : "",
          t.timeoutMs !== undefined ? `timeout ${t.timeoutMs} ms` : "",
          t.pool ? `pool ${t.pool}` : "",
        ].filter(Boolean);
        io.stdout(`  ${t.name}${extras.length ? `  (${extras.join("; ")})` : ""}\n`);
      }
    });
    return EXIT.ok;
  },
};
