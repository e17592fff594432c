/**
 * @module Version bundles: each pipeline version's snapshot (files + manifest, compressed) stored once under its
 * version hash, so any node can run a version loaded elsewhere. Insert-if-absent: a version's bundle never changes.
 * Pruning keeps what runs may still need (see `pruneVersionBundles`).
 */
import type { Db } from "./sql.ts";

export interface VersionBundleInput {
  pipeline: string;
  version: string;
  /** sha256 (hex) of `content`, checked again when the bundle is read back. */
  digest: string;
  content: Uint8Array;
  createdAt: number;
}

export interface VersionBundleRecord extends VersionBundleInput {
  content: Buffer;
  size: number;
}

/** Stores a bundle unless one is stored for that version already; true when this call stored it. */
export async function putVersionBundle(db: Db, b: VersionBundleInput): Promise<boolean> {
  const n = await db.sql.run(
    `INSERT INTO version_bundles (pipeline, version, digest, content, size, created_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (pipeline, version) DO NOTHING`,
    [b.pipeline, b.version, b.digest, Buffer.from(b.content), b.content.byteLength, b.createdAt],
  );
  return n === 1;
}

/** Whether a version's bundle is stored (without reading it). */
export async function hasVersionBundle(db: Db, pipeline: string, version: string): Promise<boolean> {
  return (await db.sql.get("SELECT 1 AS one FROM version_bundles WHERE pipeline = ? AND version = ?", [pipeline, version])) !== undefined;
}

export async function getVersionBundle(db: Db, pipeline: string, version: string): Promise<VersionBundleRecord | undefined> {
  const row = await db.sql.get<{ pipeline: string; version: string; digest: string; content: Buffer; size: number; created_at: number }>(
    "SELECT * FROM version_bundles WHERE pipeline = ? AND version = ?", [pipeline, version],
  );
  return row && {
    pipeline: row.pipeline, version: row.version, digest: row.digest, content: Buffer.from(row.content), size: row.size, createdAt: row.created_at,
  };
}

export interface BundleRetention {
  now: number;
  /** Bundles stored more recently than this are kept (ms). */
  keepForMs: number;
  /** The most recent bundles of each pipeline kept whatever their age. */
  keepRecent: number;
}

/**
 * Deletes bundles no run can need: not a pipeline's active version, not the version of a run that has not ended,
 * not among the `keepRecent` newest of its pipeline, and stored more than `keepForMs` ago. Returns how many.
 */
export async function pruneVersionBundles(db: Db, r: BundleRetention): Promise<number> {
  return db.sql.run(
    `DELETE FROM version_bundles WHERE created_at < ?
  AND NOT EXISTS (SELECT 1 FROM pipelines p WHERE p.name = version_bundles.pipeline AND p.active_version = version_bundles.version)
  AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.pipeline = version_bundles.pipeline AND r.version = version_bundles.version
    AND r.state IN ('Scheduled', 'Pending', 'Running', 'Cancelling'))
  AND (pipeline, version) NOT IN (SELECT pipeline, version FROM (
    SELECT pipeline, version, ROW_NUMBER() OVER (PARTITION BY pipeline ORDER BY created_at DESC, version) AS n FROM version_bundles
  ) ranked WHERE n <= ?)`,
    [r.now - r.keepForMs, r.keepRecent],
  );
}
