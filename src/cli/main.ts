/** @module `floe <command>`: dispatch to one file per command; usage errors exit 2. */
import { EXIT, UsageError, type CliIO, type Command } from "./command.ts";
import { commands } from "./commands.ts";
import { ConfigError, isFloeError } from "../core/errors.ts";
import { redact } from "../core/redact.ts";
import { FLOE_VERSION } from "../core/floe-version.ts";


function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: floe <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun "floe <command> --help" for a command's options.\n`;
}

export function defaultIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(redact(t)),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
  };
}

export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    io.stdout(`floe ${FLOE_VERSION}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.stderr : io.stdout)(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`floe: unknown command "${name}"\n\n${helpText()}`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`floe ${name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.stderr(`floe ${name}: invalid config\n${error.message}\n`);
      return EXIT.failed;
    }
    io.stderr(`floe ${name}: ${isFloeError(error) ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
    return EXIT.failed;
  }
}
