/** @module The list of `floe` commands, in the order `floe help` shows them. */
import type { Command } from "./command.ts";
import { validateCommand } from "./validate.ts";
import { planCommand } from "./plan.ts";

export const commands: readonly Command[] = [validateCommand, planCommand];
