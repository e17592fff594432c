/**
 * @module Which build of the Icechunk library this process loaded: the native binary (Linux glibc >= 2.38,
 * macOS, Windows) or the WebAssembly fallback. They differ in the storages they offer and the repositories they read.
 * @example
 * if (icechunkBuild() === "wasm") console.warn("object stores other than S3 need the native build");
 */
import { Storage } from "@earthmover/icechunk";

export type IcechunkBuild = "native" | "wasm";

/** The WASM build has no storages of its own beyond memory and custom ones: a native-only constructor tells them apart. */
export function icechunkBuild(): IcechunkBuild {
  return typeof (Storage as { newLocalFilesystem?: unknown }).newLocalFilesystem === "function" ? "native" : "wasm";
}
