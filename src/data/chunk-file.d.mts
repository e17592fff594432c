/** @module Types of chunk-file.mjs: local chunk files read into a reused buffer. */

/**
 * A reader of local chunk files (or `range` of one) into one buffer it reuses: the bytes returned are valid
 * until its next call, so decode them before any await. null when a file (without `range`) does not exist.
 */
export function fileReader(): (file: string, range?: { offset: number; length: number }) => Uint8Array | null;
