/** @module Reading a run's log lines: by task, minimum level, after a sequence number (live tails). */
import { LOG_LEVELS, type LogLevel } from "../core/events.ts";
import type { Db } from "./sql.ts";
import { clampLimit } from "./rows.ts";
import type { LogRecord } from "./types.ts";

export interface LogQuery {
  task?: string | undefined;
  /** Minimum level: `warn` returns warn and error lines. */
  level?: LogLevel | undefined;
  /** Only lines with a larger `seq` (pass the last seq seen). */
  afterSeq?: number | undefined;
  /** 1..10,000, default 1,000. */
  limit?: number | undefined;
}

interface LogRow {
  seq: number;
  run_id: string;
  task: string | null;
  attempt: number | null;
  level: LogLevel;
  message: string;
  at: number;
}

/** A run's log lines in order. */
export async function getLogs(store: Db, runId: string, query: LogQuery = {}): Promise<LogRecord[]> {
  const where = ["run_id = ?", "seq > ?"];
  const args: (string | number)[] = [runId, query.afterSeq ?? 0];
  if (query.task !== undefined) {
    where.push("task = ?");
    args.push(query.task);
  }
  if (query.level !== undefined && query.level !== "debug") {
    const levels = LOG_LEVELS.slice(Math.max(0, LOG_LEVELS.indexOf(query.level)));
    where.push(`level IN (${levels.map(() => "?").join(", ")})`);
    args.push(...levels);
  }
  const sql = `SELECT * FROM logs WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`;
  const rows = (await store.sql.all(sql, [...args, clampLimit(query.limit, 1000, 10_000)])) as LogRow[];
  return rows.map((r) => ({
    seq: r.seq, runId: r.run_id, task: r.task, attempt: r.attempt, level: r.level, message: r.message, at: r.at,
  }));
}
