/** @module URLs of the repository pages and quick-look images, built in one place. */
import { href } from "./format.ts";

const seg = (repo: string): string => repo.split("/").map(encodeURIComponent).join("/");

export const repoHref = (repo: string, ref?: string): string => href(`/repos/${seg(repo)}`, { ref });

export const lookPageHref = (repo: string, q: { array: string; ref: string; index?: Record<string, number> | undefined }): string =>
  href(`/repos/${seg(repo)}/look`, { array: q.array, ref: q.ref, ...Object.fromEntries(Object.entries(q.index ?? {}).map(([d, i]) => [`at.${d}`, String(i)])) });

export const diffHref = (repo: string, from: string, to: string): string => href(`/repos/${seg(repo)}/diff`, { from, to });

export function lookImageSrc(repo: string, q: { array: string; ref: string; index?: Record<string, number> | undefined; base?: string | undefined }): string {
  const index = Object.entries(q.index ?? {}).map(([d, i]) => `${d}=${i}`).join(",");
  return href(`/api/repos/${seg(repo)}/quicklook`, { array: q.array, ref: q.ref, index: index || undefined, base: q.base });
}
