/**
 * @module Tagged errors shared by every layer: each has a literal `_tag`, typed context and a kept `cause`.
 * Task authors steer retries with {@link NonRetriableError} and {@link RetryAfterError}.
 */

export abstract class FloeError extends Error {
  abstract readonly _tag: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isFloeError(value: unknown): value is FloeError {
  return value instanceof FloeError;
}

/** Thrown from a task: fail now, do not retry. */
export class NonRetriableError extends FloeError {
  readonly _tag = "NonRetriableError" as const;
}

/** From `ctx.runPipeline` with `wait`: the child run ended in a state other than Completed. */
export class ChildRunError extends FloeError {
  readonly _tag = "ChildRunError" as const;
  readonly context: { runId: string; pipeline: string; state: string };
  constructor(message: string, context: { runId: string; pipeline: string; state: string }) {
    super(message);
    this.context = context;
  }
}

/** Thrown from a task: retry after `delayMs` instead of the policy's delay (still bounded by its attempts). */
export class RetryAfterError extends FloeError {
  readonly _tag = "RetryAfterError" as const;
  readonly delayMs: number;
  constructor(message: string, delayMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.delayMs = delayMs;
  }
}

export class InvalidTransitionError extends FloeError {
  readonly _tag = "InvalidTransitionError" as const;
  readonly context: { kind: "run" | "task"; id: string; from: string; to: string };
  constructor(context: { kind: "run" | "task"; id: string; from: string; to: string }) {
    super(`${context.kind} ${context.id}: transition ${context.from} -> ${context.to} is not allowed`);
    this.context = context;
  }
}

/** Where a problem is, as precisely as known. */
export interface SourceLocation {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/** One problem found while loading, validating or planning a pipeline or the config. */
export interface Diagnostic extends SourceLocation {
  /** Pipeline name, when known. */
  pipeline?: string | undefined;
  /** Dotted path of the field, e.g. `tasks.write.retries.attempts`. */
  path?: string | undefined;
  code: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ""}` : ""}` : "";
  const who = d.pipeline ? `pipeline "${d.pipeline}"` : "";
  const field = d.path ? `field ${d.path}` : "";
  const head = [where, who, field].filter(Boolean).join(" ");
  return head ? `${head}: ${d.message}` : d.message;
}

export class ValidationError extends FloeError {
  readonly _tag = "ValidationError" as const;
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[], options?: { cause?: unknown }) {
    super(diagnostics.map(formatDiagnostic).join("\n"), options);
    this.diagnostics = diagnostics;
  }
}

export class NotFoundError extends FloeError {
  readonly _tag = "NotFoundError" as const;
  readonly context: { kind: string; id: string };
  constructor(kind: string, id: string) {
    super(`${kind} "${id}" not found`);
    this.context = { kind, id };
  }
}

export class ConflictError extends FloeError {
  readonly _tag = "ConflictError" as const;
}

export class ConfigError extends FloeError {
  readonly _tag = "ConfigError" as const;
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join("\n"));
    this.diagnostics = diagnostics;
  }
}

/** An error as stored and shown: plain data, JSON-serialisable. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string | undefined;
  tag?: string | undefined;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    const tag = (error as { _tag?: unknown })._tag;
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      ...(typeof tag === "string" ? { tag } : {}),
    };
  }
  return { name: "Error", message: String(error) };
}
