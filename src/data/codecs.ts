/**
 * @module Registers floe's fixes for zarrita 0.7.5's codec gaps (see codec-fixes.mjs) into zarrita's
 * registry on import, and answers which codecs floe can decode.
 */
import { registry } from "zarrita";
import { registerCodecs } from "./codec-fixes.mjs";

export { bloscShuffle, VlenUtf8Codec } from "./codec-fixes.mjs";

registerCodecs(registry as unknown as Map<string, () => Promise<unknown>>);

/** Codec names floe can decode (v3 names, and `numcodecs.<id>` for v2). */
export function knownCodecs(): ReadonlySet<string> {
  return new Set(registry.keys());
}
