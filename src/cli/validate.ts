/** @module `floe validate [--json]`: load every pipeline, report each one's version or its diagnostics. */
import { relative } from "node:path";
import { loadConfig } from "../config/index.ts";
import { parseCommandArgs } from "./args.ts";
import { EXIT, type Command } from "./command.ts";
import { allDiagnostics, allPipelines, describeDiagnostic, loadAllPipelines } from "./load-pipelines.ts";

export const validateCommand: Command = {
  name: "validate",
  summary: "check every pipeline in the pipelines folder",
  usage: "Usage: floe validate [--json]\n\nLoads every pipeline module, validates and plans it.\nExit 0 when all are valid, 1 otherwise.",
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, { min: 0, max: 0, names: "" });
    const config = await loadConfig(io.cwd, io.env);
    const result = await loadAllPipelines(config, io.env);
    const pipelines = allPipelines(result);
    const diagnostics = allDiagnostics(result);
    if (values.json) {
      io.stdout(
        `${JSON.stringify({
          ok: diagnostics.length === 0,
          pipelines: pipelines.map((p) => ({
            name: p.name,
            file: p.file,
            version: p.version,
            tasks: p.plan.tasks.length,
            schedules: p.spec.schedules.map((s) => s.name),
          })),
          diagnostics,
        }, null, 2)}\n`,
      );
    } else {
      for (const p of pipelines) {
        const schedules = p.spec.schedules.length ? `, schedules: ${p.spec.schedules.map((s) => `${s.name} (${s.cron})`).join(", ")}` : "";
        io.stdout(`ok    ${p.name.padEnd(24)} ${p.version}  ${relative(io.cwd, p.file)}  ${p.plan.tasks.length} tasks${schedules}\n`);
      }
      for (const d of diagnostics) io.stdout(`error ${describeDiagnostic(d, io.cwd)}\n`);
      io.stdout(`\n${pipelines.length} valid pipeline(s), ${diagnostics.length} error(s)\n`);
    }
    return diagnostics.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
