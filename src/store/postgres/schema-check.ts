/**
 * @module Schema versions across a cluster, checked under the migration lock before anything is applied: a database
 * newer than this floe is refused (upgrade the node), and pending migrations are not applied while nodes of an
 * older version are alive (heartbeat within {@link NODE_ALIVE_MS}) unless the operator says so (`--migrate`).
 */
import { hostname } from "node:os";
import type { PoolClient } from "pg";
import { FLOE_VERSION } from "../../core/floe-version.ts";
import { SchemaVersionError } from "../errors.ts";
import { NODE_ALIVE_MS } from "../nodes.ts";

export interface SchemaCheck {
  /** Where the database is (no password), for messages. */
  where: string;
  /** The newest version applied to the database (0 when new). */
  databaseVersion: number;
  /** The newest version this floe knows. */
  knownVersion: number;
  /** Migrate even under older nodes. */
  migrate: boolean;
  now: number;
}

interface NodeRow {
  id: string;
  host: string;
  pid: number;
  // absent on nodes tables older than migration 8, null for nodes of a floe before it
  floe_version?: string | null;
  schema_version?: number | null;
}

/** Whether a process of this machine is gone (a node killed here and restarted upgraded is not in its own way). */
function deadHere(row: NodeRow): boolean {
  if (row.host !== hostname()) return false;
  try {
    process.kill(row.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Alive nodes that know less of the schema than `known` (a node that registers no version is older). */
async function olderNodes(client: PoolClient, known: number, now: number): Promise<NodeRow[]> {
  const { rows: [table] } = await client.query<{ t: string | null }>("SELECT to_regclass('nodes')::text AS t");
  if (!table?.t) return [];
  const { rows } = await client.query<NodeRow>("SELECT * FROM nodes WHERE heartbeat_at > $1 ORDER BY id", [now - NODE_ALIVE_MS]);
  return rows.filter((r) => (r.schema_version === undefined || r.schema_version === null || r.schema_version < known) && !deadHere(r));
}

export async function checkSchemaVersions(client: PoolClient, c: SchemaCheck): Promise<void> {
  const context = { path: c.where, databaseVersion: c.databaseVersion, knownVersion: c.knownVersion, floeVersion: FLOE_VERSION, olderNodes: [] as string[] };
  if (c.databaseVersion > c.knownVersion) {
    throw new SchemaVersionError(
      `the database at ${c.where} has schema version ${c.databaseVersion}, newer than this floe ${FLOE_VERSION} knows (schema version ${c.knownVersion}): upgrade floe on this machine to join this cluster`,
      context,
    );
  }
  if (c.migrate || c.databaseVersion === 0 || c.databaseVersion === c.knownVersion) return;
  const older = await olderNodes(client, c.knownVersion, c.now);
  if (older.length === 0) return;
  const names = older.map((n) => `${n.id} (floe ${n.floe_version ?? "version unknown"}, schema version ${n.schema_version ?? `${c.databaseVersion} or older`})`);
  throw new SchemaVersionError(
    `this floe ${FLOE_VERSION} knows schema version ${c.knownVersion} but the database at ${c.where} is at schema version ${c.databaseVersion}, ` +
      `and ${older.length} node(s) of an older version are alive: ${names.join(", ")}. Migrating now would change the schema under them: ` +
      "stop or upgrade them first, or start this node with --migrate",
    { ...context, olderNodes: older.map((n) => n.id) },
  );
}
