/** @module Where the user wrote something: the first stack frame outside floe's own dsl, for diagnostics. */
import { fileURLToPath } from "node:url";
import type { SourceLocation } from "../core/errors.ts";

const FRAME_RE = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?$/;
const dslDir = fileURLToPath(new URL(".", import.meta.url));

export function callSite(): SourceLocation {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of stack) {
    const match = FRAME_RE.exec(frame.trim());
    if (!match) continue;
    const file = match[1]!.startsWith("file://") ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith(dslDir) || file.startsWith("node:") || file.includes("/node_modules/")) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return {};
}
