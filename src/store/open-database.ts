/**
 * @module `openDatabase`: picks the adapter. A `postgres://` (or `postgresql://`) URL opens PostgreSQL; without
 * one, the SQLite file at `path` (the embedded default).
 */
import { openPostgres, type OpenPostgresOptions } from "./postgres/open.ts";
import { openStore } from "./sqlite/open.ts";
import type { Store } from "./store.ts";

export interface DatabaseTarget {
  /** `FLOE_DATABASE_URL` or `database.url`: PostgreSQL when set. */
  url?: string | undefined;
  /** The SQLite file otherwise. */
  path: string;
}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

/**
 * @example
 * await using store = await openDatabase({ url: process.env.FLOE_DATABASE_URL, path: "state/floe.db" });
 */
export async function openDatabase(target: DatabaseTarget, opts: OpenPostgresOptions = {}): Promise<Store> {
  if (target.url !== undefined && target.url !== "") return openPostgres(target.url, opts);
  return openStore(target.path, { readonly: opts.readonly ?? false });
}
