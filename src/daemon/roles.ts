/**
 * @module A node's role in a cluster sharing one PostgreSQL database (`floe start --role`), and the duties each
 * role takes on. `api` serves the API and web page, loads pipelines and creates runs; `scheduler` loads pipelines
 * and runs the leader-only duties (schedules, data triggers); `worker` claims runs and executes them and needs no
 * pipelines folder; `all` is the three in one process, and the only role on SQLite (one node, one writer).
 * @example
 * const duties = dutiesOf(parseRole(flag));
 * if (duties.worker) startClaiming();
 */
import { FloeError } from "../core/errors.ts";
import type { Dialect } from "../store/index.ts";

export const ROLES = ["all", "scheduler", "worker", "api"] as const;
export type Role = (typeof ROLES)[number];

export interface Duties {
  /** The API and web page; pipelines loaded (registry, hot reload) so runs can be submitted. */
  api: boolean;
  /** Schedules and data triggers (only while this node leads, on PostgreSQL). */
  scheduler: boolean;
  /** Claims runs and executes them in run processes. */
  worker: boolean;
}

/** A role that cannot run here: a usage error (exit 2). */
export class RoleError extends FloeError {
  readonly _tag = "RoleError" as const;
}

export function parseRole(value: string | undefined): Role {
  if (value === undefined) return "all";
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new RoleError(`--role expects one of ${ROLES.join(", ")}, got "${value}"`);
}

export function dutiesOf(role: Role): Duties {
  return { api: role === "all" || role === "api", scheduler: role === "all" || role === "scheduler", worker: role === "all" || role === "worker" };
}

/** Roles split a daemon across nodes, which only a shared PostgreSQL database allows. */
export function checkRole(role: Role, dialect: Dialect): void {
  if (role !== "all" && dialect !== "postgres") throw new RoleError("roles other than all need PostgreSQL (FLOE_DATABASE_URL)");
}

/** Whether the node loads pipelines (and so needs the pipelines folder). */
export const loadsPipelines = (d: Duties): boolean => d.api || d.scheduler;
