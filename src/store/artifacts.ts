/** @module Reading a run's artifacts: the list in order (without image bytes), and one artifact's bytes. */
import type { ArtifactKind } from "../core/events.ts";
import type { Db } from "./sql.ts";

export interface ArtifactRecord {
  runId: string;
  seq: number;
  task: string;
  kind: ArtifactKind;
  title: string | null;
  text: string;
  mime: string | null;
  size: number;
  at: number;
}

interface Row {
  run_id: string;
  seq: number;
  task: string;
  kind: ArtifactKind;
  title: string | null;
  text: string;
  mime: string | null;
  size: number;
  created_at: number;
}

const LIST = `SELECT run_id, seq, task, kind, title, text, mime, size, created_at FROM artifacts WHERE run_id = ? ORDER BY seq LIMIT ?`;
const CONTENT = `SELECT mime, content FROM artifacts WHERE run_id = ? AND seq = ?`;

/**
 * @example
 * listArtifacts(store, runId).map((a) => a.kind); // ["markdown", "image"]
 */
export async function listArtifacts(store: Db, runId: string, limit = 1000): Promise<ArtifactRecord[]> {
  return ((await store.sql.all(LIST, [runId, limit])) as Row[]).map((r) => ({
    runId: r.run_id, seq: r.seq, task: r.task, kind: r.kind, title: r.title, text: r.text, mime: r.mime, size: r.size, at: r.created_at,
  }));
}

/** An image artifact's bytes and type; undefined when there is no such artifact or it has no bytes. */
export async function getArtifactContent(
  store: Db, runId: string, seq: number,
): Promise<{ mime: string; content: Uint8Array } | undefined> {
  const row = (await store.sql.get(CONTENT, [runId, seq])) as { mime: string | null; content: Buffer | null } | undefined;
  if (!row?.content || !row.mime) return undefined;
  return { mime: row.mime, content: new Uint8Array(row.content) };
}
