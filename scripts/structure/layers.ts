/**
 * @module scripts/structure/layers: the one layer order of floe, as data. README.md prints `LAYER_ORDER`
 * verbatim (a test keeps them equal); `checkImports` enforces it.
 */

/** B may import A when A is to its left; folders in one brace group may import each other, never in a circle. */
export const LAYER_ORDER =
  "core ← schemas ← {dsl, plan, config, store, arraylake, data} ← {engine, schedule, loader, demo, browse} ← run ← {api, web} ← {daemon, testing} ← cli";

/** Layer names whose folder is not `src/<name>`. */
const FOLDERS: Readonly<Record<string, string>> = { schemas: "schemas" };

/** Packages that exactly one folder may import (the rest go through that folder's API). */
export const OWNED_PACKAGES: readonly { readonly pattern: RegExp; readonly owner: string }[] = [
  { pattern: /^@earthmover\/icechunk(-|\/|$)/, owner: "arraylake" },
  { pattern: /^(better-sqlite3|pg)(\/|$)/, owner: "store" },
];

export interface Layer {
  readonly name: string;
  /** Folder relative to the repository root, `/`-separated. */
  readonly folder: string;
  /** Position in the order: 0 is `core`; peers share a rank. */
  readonly rank: number;
}

/** Parses an order like `a ← {b, c} ← d` into layers. */
export function parseLayerOrder(order: string): Layer[] {
  return order.split("←").flatMap((group, rank) =>
    group
      .replace(/[{}]/g, "")
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name.length > 0)
      .map((name) => ({ name, folder: FOLDERS[name] ?? `src/${name}`, rank })),
  );
}

/** The layer a repository-relative file belongs to, or undefined (src/index.ts, tests, scripts...). */
export function layerOf(layers: readonly Layer[], file: string): Layer | undefined {
  return layers.find((l) => file.startsWith(`${l.folder}/`));
}

/**
 * Type-only imports that may close a circle, each with the reason it is tolerated. The check reports a rule
 * that no longer closes any circle, so this list only shrinks. Any other circle fails `npm test`.
 */
export const TOLERATED_TYPE_IMPORTS: readonly { readonly from: RegExp; readonly to: string; readonly why: string }[] = [
  {
    from: /^src\/data\//,
    to: "src/data/array/data-array.ts",
    why: "data ops and helpers (resample, rolling, groupby, weighted, user blocks) take and return DataArray, whose methods build them (issue 11, in progress)",
  },
];
