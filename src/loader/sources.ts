/**
 * @module The local files a pipeline module imports (relative specifiers, recursively), with their contents:
 * what the version hash covers and what hot reload watches. Packages are not followed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
const EXTENSIONS = ["", ".ts", ".mts", ".js", ".mjs", ".tsx", "/index.ts", "/index.js"];

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = EXTENSIONS.map((ext) => base + ext);
  // "./x.js" written for NodeNext may name a .ts file
  if (/\.(m?js)$/.test(base)) candidates.push(base.replace(/\.(m?)js$/, ".$1ts"));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Contents of the module and every local file it reaches, keyed by absolute path. */
export function collectSources(entry: string): Map<string, string> {
  const contents = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (contents.has(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    contents.set(file, text);
    for (const match of text.matchAll(IMPORT_RE)) {
      const local = resolveLocal(file, match[1] ?? match[2] ?? match[3] ?? "");
      if (local && !contents.has(local)) pending.push(local);
    }
  }
  return contents;
}
