/** @module The repository browser: repositories, refs, trees, quick looks (PNG maps, SVG lines) and diffs. */
export { createRepoBrowser, type RepoBrowserOptions } from "./browser.ts";
export { parseIndexSpec } from "./slice.ts";
export { checkNodePath } from "./paths.ts";
export { CannotDrawError, InvalidPathError, InvalidSliceError, NodeNotFoundError, RemoteBrowseError } from "./errors.ts";
export type * from "./types.ts";
