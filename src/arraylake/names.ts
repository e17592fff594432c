/**
 * @module What a repository argument names: `org/name` (a repository of the configured backend) or a
 * filesystem path to an Icechunk repository. A path must say so: it starts with `/`, `./`, `../` or `~/`;
 * anything else must be a valid `org/name`, so a forgotten org is an error rather than a new folder.
 */
import { resolve } from "node:path";
import { homedir } from "node:os";
import { InvalidRepoNameError } from "./errors.ts";

export type RepoTarget = { kind: "name"; org: string; name: string; id: string } | { kind: "path"; path: string };

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const PATH_PREFIXES = ["/", "./", "../"] as const;

export function isValidSegment(value: string): boolean {
  return SEGMENT.test(value);
}

/** Checks an org name as used by `listRepos`. */
export function checkOrg(org: string): string {
  if (!isValidSegment(org)) throw new InvalidRepoNameError(`invalid org name "${org}": use letters, digits, ".", "_", "-"`);
  return org;
}

/** Parses a repository argument; `cwd` resolves relative paths. */
export function parseRepoTarget(value: string, cwd: string = process.cwd()): RepoTarget {
  if (value.startsWith("~/")) return { kind: "path", path: resolve(homedir(), value.slice(2)) };
  if (PATH_PREFIXES.some((p) => value.startsWith(p))) return { kind: "path", path: resolve(cwd, value) };
  const parts = value.split("/");
  const [org, name] = parts as [string, string | undefined];
  if (parts.length !== 2 || name === undefined || !isValidSegment(org) || !isValidSegment(name)) {
    // Two parts means the shape was right: say which characters are allowed.
    const rule = parts.length === 2 ? '; org and name use letters, digits, ".", "_", "-"' : "";
    throw new InvalidRepoNameError(`expected "org/name" (or a path starting with ./ or /), got ${JSON.stringify(value)}${rule}`);
  }
  return { kind: "name", org, name, id: `${org}/${name}` };
}
