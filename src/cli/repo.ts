/**
 * @module `floe repo`: list, create, log, tree, show, import and export Icechunk repositories.
 * `<repo>` is `org/name` (local repositories, or Arraylake with a token) or a path to a repository.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { redact } from "../core/redact.ts";
import type { ArraylakeRepo } from "../arraylake/repo.ts";
import type { RepoSession } from "../arraylake/session.ts";
import { EXIT, UsageError, type CliIO, type Command } from "./command.ts";
import { repoClientFromIO } from "./repo-config.ts";
import { NotARepositoryError, RepoNotFoundError } from "../arraylake/errors.ts";
import { RepoCommandError, describeRepoError, type Where } from "./repo-errors.ts";
import { formatTree, readArray, readTree } from "./repo-inspect.ts";
import { exportZarr, importZarr } from "./repo-transfer.ts";

const USAGE = `usage:
  floe repo list <org>
  floe repo create <repo>
  floe repo log <repo> [--branch B] [--json]
  floe repo tree <repo> [--ref R] [--json]
  floe repo show <repo> <array-path> [--ref R] [--values] [--json]
  floe repo import <zarr-dir> <repo> <group> [--branch B] [--message M] [--create]
  floe repo export <repo> <group> <dir> [--ref R]
<repo> is org/name or a path starting with /, ./, ../ or ~/; --ref is a branch, a tag or a snapshot id.`;

const OPTIONS = {
  branch: { type: "string" },
  ref: { type: "string" },
  message: { type: "string", short: "m" },
  json: { type: "boolean" },
  values: { type: "boolean" },
  create: { type: "boolean" },
} as const;

type Flags = { branch?: string; ref?: string; message?: string; json?: boolean; values?: boolean; create?: boolean };
const SUBCOMMANDS: Record<string, { args: string[]; flags: (keyof Flags)[] }> = {
  list: { args: ["<org>"], flags: [] },
  create: { args: ["<repo>"], flags: [] },
  log: { args: ["<repo>"], flags: ["branch", "json"] },
  tree: { args: ["<repo>"], flags: ["ref", "json"] },
  show: { args: ["<repo>", "<array-path>"], flags: ["ref", "values", "json"] },
  import: { args: ["<zarr-dir>", "<repo>", "<group>"], flags: ["branch", "message", "create"] },
  export: { args: ["<repo>", "<group>", "<dir>"], flags: ["ref"] },
};

/** Throws {@link UsageError}: the CLI prints it with the usage and exits 2. */
function parse(argv: readonly string[]): { sub: string; args: string[]; flags: Flags } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    // Same wording as parseCommandArgs (args.ts): the option's name, not node's explanation of `--`.
    const unknown = /Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
  const [sub, ...args] = parsed.positionals;
  const spec = sub ? SUBCOMMANDS[sub] : undefined;
  if (!sub || !spec) throw new UsageError(sub ? `unknown subcommand "${sub}"` : "missing subcommand");
  if (args.length < spec.args.length) throw new UsageError(`missing argument for ${sub}: ${spec.args.slice(args.length).join(" ")}`);
  if (args.length > spec.args.length) throw new UsageError(`unexpected argument for ${sub}: "${args[spec.args.length]}"`);
  const flags = parsed.values as Flags;
  for (const name of Object.keys(flags)) {
    if (!spec.flags.includes(name as keyof Flags)) throw new UsageError(`--${name} does not apply to ${sub}`);
  }
  return { sub, args, flags };
}

const where = (repo: ArraylakeRepo, ref: string | undefined): Where => ({ repo: repo.name, ref: ref ?? "main" });

const at = (repo: ArraylakeRepo, ref: string | undefined): Promise<RepoSession> =>
  ref ? repo.readonlySessionAt(ref) : repo.readonlySession({ branch: "main" });

async function execute(sub: string, args: string[], flags: Flags, io: CliIO): Promise<void> {
  const client = await repoClientFromIO(io);
  const out = (text: string) => io.stdout(`${text}\n`);
  try {
    switch (sub) {
      case "list": {
        for (const r of await client.listRepos(args[0]!)) out(r.id);
        return;
      }
      case "create": {
        const repo = await client.createRepo(args[0]!);
        // A repository named by its path has nothing more to say.
        out(repo.name === repo.path ? `created ${repo.path}` : `created ${repo.name} at ${repo.path}`);
        return;
      }
      case "log": {
        const repo = await client.getRepo(args[0]!);
        const history = await repo.ancestry({ branch: flags.branch ?? "main" });
        if (flags.json) return out(JSON.stringify(history.map(({ id, parentId, writtenAt, message }) => ({ id, parentId: parentId ?? null, writtenAt, message }))));
        for (const s of history) out(`${s.id}  ${s.writtenAt}  ${s.message}`);
        return;
      }
      case "tree": {
        const repo = await client.getRepo(args[0]!);
        const nodes = await readTree(await at(repo, flags.ref));
        return out(flags.json ? JSON.stringify(nodes) : formatTree(nodes));
      }
      case "show": {
        const repo = await client.getRepo(args[0]!);
        const view = await readArray(await at(repo, flags.ref), args[1]!, flags.values ?? false, where(repo, flags.ref));
        if (flags.json) return out(JSON.stringify(view));
        out(`${view.path}: ${view.dtype} [${view.shape.join(", ")}] chunks [${view.chunks.join(", ")}]`);
        if (Object.keys(view.attributes).length > 0) out(`attributes: ${JSON.stringify(view.attributes)}`);
        if (view.values) out(`values: ${JSON.stringify(view.values)}`);
        return;
      }
      case "import": {
        const [dir, name, group] = args as [string, string, string];
        const repo = await client.getRepo(name).catch((error: unknown) => {
          // A path that does not exist is a missing repository too; an existing folder that is not one is not.
          const missing = error instanceof RepoNotFoundError || (error instanceof NotARepositoryError && !existsSync(error.path));
          if (!missing) throw error;
          if (flags.create) return client.createRepo(name);
          const what = error instanceof RepoNotFoundError ? error.message : `no repository at "${error.path}"`;
          throw new RepoCommandError(`${what}; create it with: floe repo create ${name} (or add --create)`, { cause: error });
        });
        const session = await repo.writableSession(flags.branch ?? "main");
        const count = await importZarr(resolve(io.cwd, dir), session, group);
        const id = await session.commit(flags.message ?? `import ${dir} into ${group}`);
        out(`imported ${count} objects into ${repo.name}:${group} as ${id}`);
        return;
      }
      case "export": {
        const [name, group, dir] = args as [string, string, string];
        const repo = await client.getRepo(name);
        const count = await exportZarr(await at(repo, flags.ref), group, resolve(io.cwd, dir), where(repo, flags.ref));
        out(`exported ${count} objects to ${resolve(io.cwd, dir)}`);
        return;
      }
    }
  } finally {
    client.close();
  }
}

export const repoCommand: Command = {
  name: "repo",
  summary: "list, create, inspect, import and export Icechunk repositories",
  usage: USAGE,
  async run(argv, io) {
    const { sub, args, flags } = parse(argv);
    try {
      await execute(sub, args, flags, io);
      return EXIT.ok;
    } catch (error) {
      io.stderr(`${redact(`floe repo ${sub}: ${describeRepoError(error)}`)}\n`);
      return EXIT.failed;
    }
  },
};
