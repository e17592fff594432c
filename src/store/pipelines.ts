/** @module Pipeline versions (immutable plans by content hash) and each pipeline's latest load status. */
import type { Db } from "./sql.ts";
import { jsonOrNull } from "./rows.ts";
import type { PipelineRecord, PipelineVersionRecord } from "./types.ts";

export interface PipelineVersionInput {
  pipeline: string;
  version: string;
  file: string;
  /** The JSON-serialisable plan. */
  plan: unknown;
  createdAt: number;
}

const INSERT_VERSION = `INSERT INTO pipeline_versions (pipeline, version, file, plan, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (pipeline, version) DO NOTHING`;

/** Records plan versions; a version already recorded is left as it was. Returns how many were new. */
export async function recordPipelineVersions(store: Db, rows: readonly PipelineVersionInput[]): Promise<number> {
  return store.sql.tx(async (sql) => {
    let n = 0;
    for (const r of rows) n += await sql.run(INSERT_VERSION, [r.pipeline, r.version, r.file, JSON.stringify(r.plan), r.createdAt]);
    return n;
  });
}

export async function getPipelineVersion(store: Db, pipeline: string, version: string): Promise<PipelineVersionRecord | undefined> {
  const row = (await store.sql.get("SELECT * FROM pipeline_versions WHERE pipeline = ? AND version = ?", [pipeline, version])) as
    | { pipeline: string; version: string; file: string; plan: string; created_at: number }
    | undefined;
  if (!row) return undefined;
  return {
    pipeline: row.pipeline, version: row.version, file: row.file,
    plan: JSON.parse(row.plan) as unknown, createdAt: row.created_at,
  };
}

export interface PipelineStatusInput {
  name: string;
  file: string;
  /** The version in use: the last valid one (kept while the file is invalid). */
  activeVersion: string | null;
  valid: boolean;
  diagnostics: readonly unknown[];
  updatedAt: number;
}

const UPSERT = `INSERT INTO pipelines (name, file, active_version, valid, diagnostics, updated_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET file = excluded.file, active_version = excluded.active_version,
  valid = excluded.valid, diagnostics = excluded.diagnostics, updated_at = excluded.updated_at`;

/** Records the loader's latest status for each pipeline. */
export async function upsertPipelines(store: Db, rows: readonly PipelineStatusInput[]): Promise<void> {
  await store.sql.tx(async (sql) => {
    for (const r of rows) {
      await sql.run(UPSERT, [r.name, r.file, r.activeVersion, r.valid ? 1 : 0, jsonOrNull(r.diagnostics) ?? "[]", r.updatedAt]);
    }
  });
}

/** Forgets pipelines whose file is gone (their versions and runs stay for history). Returns how many. */
export async function removePipelines(store: Db, names: readonly string[]): Promise<number> {
  return store.sql.tx(async (sql) => {
    let n = 0;
    for (const name of names) n += await sql.run("DELETE FROM pipelines WHERE name = ?", [name]);
    return n;
  });
}

interface PipelineRow {
  name: string;
  file: string;
  active_version: string | null;
  valid: number;
  diagnostics: string;
  updated_at: number;
}

const toPipeline = (r: PipelineRow): PipelineRecord => ({
  name: r.name, file: r.file, activeVersion: r.active_version, valid: r.valid === 1,
  diagnostics: JSON.parse(r.diagnostics) as unknown[], updatedAt: r.updated_at,
});

export async function listPipelines(store: Db): Promise<PipelineRecord[]> {
  return ((await store.sql.all("SELECT * FROM pipelines ORDER BY name")) as PipelineRow[]).map(toPipeline);
}

export async function getPipeline(store: Db, name: string): Promise<PipelineRecord | undefined> {
  const row = (await store.sql.get("SELECT * FROM pipelines WHERE name = ?", [name])) as PipelineRow | undefined;
  return row ? toPipeline(row) : undefined;
}
