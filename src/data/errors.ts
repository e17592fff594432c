/**
 * @module Tagged errors of the data layer. Each names what was being read (variable, attribute, chunk key)
 * so a failing task says exactly which input is wrong.
 */
import { FloeError } from "../core/errors.ts";

/** Where in a dataset a problem is. */
export interface DataErrorContext {
  /** Group path inside the store, e.g. `xarray/ocean-temp`. */
  group?: string | undefined;
  variable?: string | undefined;
  attribute?: string | undefined;
  /** Store key of a chunk, e.g. `xarray/ocean-temp/temp/c/0/0/0`. */
  key?: string | undefined;
}

abstract class DataError extends FloeError {
  readonly context: DataErrorContext;
  constructor(message: string, context: DataErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}

/** The group, the variable or the source itself does not exist. */
export class DatasetNotFoundError extends DataError {
  readonly _tag = "DatasetNotFoundError" as const;
}

/** Metadata or attributes that cannot be understood (bad time units, unknown calendar, no time dimension). */
export class InvalidDatasetError extends DataError {
  readonly _tag = "InvalidDatasetError" as const;
}

/** A data type or codec floe does not support. */
export class UnsupportedError extends DataError {
  readonly _tag = "UnsupportedError" as const;
}

/** A chunk that could not be read or decoded; `context.key` is its store key. */
export class ChunkError extends DataError {
  readonly _tag = "ChunkError" as const;
}

/**
 * An operation called with arguments it cannot take: an unknown resample frequency or group key, a date string
 * that does not exist in the dataset's calendar, a label that is not there. The message lists what is allowed.
 */
export class InvalidOperationError extends DataError {
  readonly _tag = "InvalidOperationError" as const;
}

export type AnyDataError = DatasetNotFoundError | InvalidDatasetError | UnsupportedError | ChunkError | InvalidOperationError | AlignmentError;

export function isDataError(value: unknown): value is AnyDataError {
  return value instanceof DataError;
}

/** `variable "temp" attribute "units"`: the prefix every message starts with. */
export function where(context: DataErrorContext): string {
  const parts = [
    context.group ? `group "${context.group}"` : "",
    context.variable !== undefined ? `variable "${context.variable}"` : "",
    context.attribute !== undefined ? `attribute "${context.attribute}"` : "",
    context.key !== undefined ? `chunk "${context.key}"` : "",
  ];
  return parts.filter(Boolean).join(" ");
}

/** Arrays that cannot be combined: dimensions or coordinates that do not line up (names both sides). */
export class AlignmentError extends DataError {
  readonly _tag = "AlignmentError" as const;
}
