/**
 * @module What the repository browser answers: repositories, refs and history, the tree of groups and arrays at a
 * ref, quick looks (PNG maps, SVG line plots) and snapshot diffs. Plain data, so it crosses a process boundary
 * (the daemon asks a browse process; tests call {@link createRepoBrowser} in their own process).
 */

export interface RepoSummary {
  /** `org/name` */
  id: string;
  org: string;
  name: string;
}

export interface SnapshotEntry {
  id: string;
  parentId: string | null;
  message: string;
  /** ISO time the snapshot was written. */
  writtenAt: string;
}

export interface RepoOverview {
  repo: string;
  branches: { name: string; snapshotId: string }[];
  tags: { name: string; snapshotId: string }[];
  /** The ref the history starts from, resolved. */
  ref: { kind: "branch" | "tag" | "snapshot"; name: string; snapshotId: string };
  /** Newest first, at most the requested number. */
  history: SnapshotEntry[];
  /** True when older snapshots were left out. */
  historyCut: boolean;
}

/** A time coordinate decoded for people: first and last date, its calendar. */
export interface TimeRange {
  first: string | null;
  last: string | null;
  calendar: string;
}

export interface ArrayInfo {
  kind: "array";
  path: string;
  shape: number[];
  dtype: string;
  chunks: number[];
  codecs: string[];
  dims: string[];
  fillValue: unknown;
  attrs: Record<string, unknown>;
  /** Set for a CF time coordinate (units "<unit> since <date>"). */
  time?: TimeRange | undefined;
}

export interface GroupInfo {
  kind: "group";
  path: string;
  attrs: Record<string, unknown>;
}

export type TreeNode = ArrayInfo | GroupInfo;

export interface TreeView {
  repo: string;
  ref: RepoOverview["ref"];
  /** Groups and arrays in path order; the root group's path is "". */
  nodes: TreeNode[];
  /** True when the walk stopped at its node limit. */
  cut: boolean;
}

export interface QuickLookRequest {
  repo: string;
  /** Branch, tag or snapshot id. */
  ref: string;
  /** Array path inside the repository, e.g. `xarray/ocean-temp/temp`. */
  array: string;
  /** Index of every dimension not drawn (default 0). */
  index: Record<string, number>;
  /** When set, draw `array@ref - array@base` (a diff's change) with a diverging colormap. */
  base?: string | undefined;
}

export interface QuickLookMeta {
  repo: string;
  array: string;
  snapshotId: string;
  baseSnapshotId: string | null;
  kind: "map" | "line";
  contentType: "image/png" | "image/svg+xml";
  /** Dimensions drawn (y, x for maps; x for lines). */
  drawn: string[];
  /** Every dimension not drawn with its index, and its label (a date for time). */
  fixed: { dim: string; index: number; size: number; label: string | null }[];
  /** Smallest and largest finite value drawn; null when everything is missing. */
  min: number | null;
  max: number | null;
  units: string | null;
  longName: string | null;
  /** Elements skipped between drawn pixels along each drawn dimension (1 = every element). */
  stride: number[];
  /** Image size in pixels (maps) or drawn points (lines). */
  width: number;
  height: number;
  missing: number;
  /** Stored bytes read from the repository for this image (0 when served from cache). */
  bytesRead: number;
  cached: boolean;
  colormap: string;
}

export interface QuickLook {
  meta: QuickLookMeta;
  bytes: Uint8Array;
}

export interface ArrayChange {
  path: string;
  /** Chunks written between the snapshots (their grid coordinates), when known. */
  chunksWritten: number;
}

export interface SnapshotDiff {
  repo: string;
  from: RepoOverview["ref"];
  to: RepoOverview["ref"];
  groupsAdded: string[];
  groupsRemoved: string[];
  groupsChanged: string[];
  arraysAdded: string[];
  arraysRemoved: string[];
  /** Arrays whose metadata or chunks changed. */
  arraysChanged: ArrayChange[];
}

/** The browser the API and the web pages use; the daemon serves it from a separate process. */
export interface RepoBrowser {
  /** Local repositories on disk; with a remote client, those of `orgs` (the API passes the orgs runs touched). */
  listRepos(options?: { orgs?: readonly string[] | undefined }): Promise<RepoSummary[]>;
  overview(repo: string, options?: { ref?: string | undefined; limit?: number | undefined }): Promise<RepoOverview>;
  tree(repo: string, ref: string): Promise<TreeView>;
  quicklook(request: QuickLookRequest): Promise<QuickLook>;
  diff(repo: string, from: string, to: string): Promise<SnapshotDiff>;
  close(): Promise<void>;
}
