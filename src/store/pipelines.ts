/** @module Pipeline versions (immutable plans by content hash) and each pipeline's latest load status. */
import type { Store } from "./open-store.ts";
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
export function recordPipelineVersions(store: Store, rows: readonly PipelineVersionInput[]): number {
  const { sql } = store;
  return sql.tx(() => {
    let n = 0;
    for (const r of rows) n += sql.stmt(INSERT_VERSION).run(r.pipeline, r.version, r.file, JSON.stringify(r.plan), r.createdAt).changes;
    return n;
  });
}

export function getPipelineVersion(store: Store, pipeline: string, version: string): PipelineVersionRecord | undefined {
  const row = store.sql.stmt("SELECT * FROM pipeline_versions WHERE pipeline = ? AND version = ?").get(pipeline, version) as
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
export function upsertPipelines(store: Store, rows: readonly PipelineStatusInput[]): void {
  const { sql } = store;
  sql.tx(() => {
    for (const r of rows) {
      sql.stmt(UPSERT).run(r.name, r.file, r.activeVersion, r.valid ? 1 : 0, jsonOrNull(r.diagnostics) ?? "[]", r.updatedAt);
    }
  });
}

/** Forgets pipelines whose file is gone (their versions and runs stay for history). Returns how many. */
export function removePipelines(store: Store, names: readonly string[]): number {
  const { sql } = store;
  return sql.tx(() => {
    let n = 0;
    for (const name of names) n += sql.stmt("DELETE FROM pipelines WHERE name = ?").run(name).changes;
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

export function listPipelines(store: Store): PipelineRecord[] {
  return (store.sql.stmt("SELECT * FROM pipelines ORDER BY name").all() as PipelineRow[]).map(toPipeline);
}

export function getPipeline(store: Store, name: string): PipelineRecord | undefined {
  const row = store.sql.stmt("SELECT * FROM pipelines WHERE name = ?").get(name) as PipelineRow | undefined;
  return row ? toPipeline(row) : undefined;
}
