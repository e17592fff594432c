/**
 * @module This node's id in a cluster. It must stay the same when the same node restarts (its start-up reconcile
 * finds the runs it held by that id) and differ between nodes: `--node-id`, else `FLOE_NODE_ID`, else the host name
 * and a short hash of the state folder (`build-01-3f9a2c1e`), so two nodes on one machine with their own state
 * folders differ and a restart on the same folder keeps its id.
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { NodeIdError } from "./errors.ts";

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * @example
 * resolveNodeId({ flag: undefined, env: process.env, stateDir: "/srv/floe/state" }); // "build-01-3f9a2c1e"
 */
export function resolveNodeId(input: { flag?: string | undefined; env: NodeJS.ProcessEnv; stateDir: string; host?: string }): string {
  for (const [source, value] of [["--node-id", input.flag], ["FLOE_NODE_ID", input.env.FLOE_NODE_ID]] as const) {
    if (value === undefined || value === "") continue;
    if (!NODE_ID.test(value)) throw new NodeIdError({ source, value });
    return value;
  }
  const host = (input.host ?? hostname()).replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 80) || "node";
  return `${host}-${createHash("sha256").update(resolve(input.stateDir)).digest("hex").slice(0, 8)}`;
}
