/** @module Paths from URLs checked as repository paths before anything is opened. */
import { InvalidPathError } from "./errors.ts";

const SEGMENT = /^[A-Za-z0-9_.\-]+$/;

/**
 * The normalised array or group path (no leading or trailing slash), or an {@link InvalidPathError}.
 * @example
 * checkNodePath("xarray/ocean-temp/temp"); // "xarray/ocean-temp/temp"
 * checkNodePath("../etc/passwd");           // throws InvalidPathError
 */
export function checkNodePath(path: string): string {
  if (path.length > 1024) throw new InvalidPathError(path.slice(0, 40) + "...", "longer than 1024 characters");
  if (path.startsWith("/")) throw new InvalidPathError(path, "must be relative to the repository root (no leading /)");
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "";
  for (const segment of trimmed.split("/")) {
    if (segment === "" ) throw new InvalidPathError(path, "has an empty segment (//)");
    if (segment === "." || segment === "..") throw new InvalidPathError(path, `has a "${segment}" segment`);
    if (!SEGMENT.test(segment)) throw new InvalidPathError(path, `segment "${segment}" has characters other than letters, digits, _ . -`);
  }
  return trimmed;
}
