/** @module Turning an error thrown while importing a module into a diagnostic with file, line and column. */
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../core/errors.ts";

function toPath(location: string): string {
  return location.startsWith("file://") ? fileURLToPath(location) : location;
}

/** Finds `<file>:<line>:<col>` for the module in esbuild's message or the stack. */
function locate(error: Error, file: string): { line?: number; column?: number } {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const texts = [error.message, error.stack ?? ""];
  for (const text of texts) {
    const re = new RegExp(`(?:file://)?${escaped}(?:\\?[^:]*)?:(\\d+):(\\d+)`);
    const match = re.exec(text.replace(/file:\/\//g, ""));
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
  }
  for (const line of (error.stack ?? "").split("\n")) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (m && toPath(m[1]!.replace(/\?.*$/, "")) === file) return { line: Number(m[2]), column: Number(m[3]) };
  }
  return {};
}

export function importErrorDiagnostic(error: unknown, file: string): Diagnostic {
  const err = error instanceof Error ? error : new Error(String(error));
  // A SyntaxError raised by code running in the module (JSON.parse...) has the module in its stack; a parse error has not.
  const thrownByModule = (err.stack ?? "").split("\n").slice(1).some((l) => l.includes(file));
  const syntax = /Transform failed|ERROR:/.test(err.message) || (err.name === "SyntaxError" && !thrownByModule);
  const firstLine =
    err.message
      .split("\n")
      .map((l) => l.replace(/^.*?:\d+:\d+:\s*(ERROR:\s*)?/, "").trim())
      .find((l) => l && !/^Transform failed/.test(l)) ?? err.message;
  return {
    file,
    ...locate(err, file),
    code: syntax ? "syntax_error" : "import_failed",
    message: syntax ? `syntax error: ${firstLine}` : `threw at import: ${err.name}: ${firstLine}`,
  };
}
