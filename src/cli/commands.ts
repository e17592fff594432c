/** @module The list of `floe` commands, in the order `floe help` shows them. */
import type { Command } from "./command.ts";
import { validateCommand } from "./validate.ts";
import { planCommand } from "./plan.ts";
import { runCommand } from "./run.ts";
import { runsCommand } from "./runs.ts";
import { showCommand } from "./show.ts";
import { logsCommand } from "./logs.ts";
import { retryCommand } from "./retry.ts";
import { demoCommand } from "./demo.ts";
import { repoCommand } from "./repo.ts";
import { devCommand } from "./dev.ts";
import { startCommand } from "./start.ts";
import { cancelCommand } from "./cancel.ts";
import { backfillCommand } from "./backfill.ts";
import { clusterCommand } from "./cluster.ts";

export const commands: readonly Command[] = [
  validateCommand,
  planCommand,
  runCommand,
  backfillCommand,
  runsCommand,
  showCommand,
  logsCommand,
  retryCommand,
  repoCommand,
  demoCommand,
  devCommand,
  startCommand,
  clusterCommand,
  cancelCommand,
];
