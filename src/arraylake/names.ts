/**
 * @module What a repository argument names: `org/name` (a repository of the configured backend) or a
 * filesystem path to an Icechunk repository. A path is anything absolute, starting with `.` or `~`, or with
 * other than exactly two segments; write `./org/name` to mean a relative folder of that shape.
 */
import { isAbsolute, resolve } from "node:path";
import { homedir } from "node:os";
import { InvalidRepoNameError } from "./errors.ts";

export type RepoTarget = { kind: "name"; org: string; name: string; id: string } | { kind: "path"; path: string };

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

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
  if (value === "") throw new InvalidRepoNameError('empty repository name: expected "org/name" or a path');
  if (value === "~" || value.startsWith("~/")) return { kind: "path", path: resolve(homedir(), value.slice(2)) };
  if (isAbsolute(value) || value.startsWith(".")) return { kind: "path", path: resolve(cwd, value) };
  const parts = value.split("/");
  if (parts.length !== 2) return { kind: "path", path: resolve(cwd, value) };
  const [org, name] = parts as [string, string];
  if (!isValidSegment(org) || !isValidSegment(name)) {
    throw new InvalidRepoNameError(
      `invalid repository name "${value}": expected "org/name" (letters, digits, ".", "_", "-") or a path such as ./${value}`,
    );
  }
  return { kind: "name", org, name, id: `${org}/${name}` };
}
