/** @module The daemon's tagged errors: a version's code that cannot be found or trusted; this node's cluster identity. */
import { FloeError } from "../core/errors.ts";

/**
 * A run's version could not be made available on this node: no snapshot on disk and no bundle in the database,
 * a bundle that is malformed (a bad path, a bad document), or one whose recomputed hash is not its version.
 */
export class VersionBundleError extends FloeError {
  readonly _tag = "VersionBundleError" as const;
  readonly context: { pipeline: string; version: string; expected?: string; actual?: string };
  constructor(message: string, context: { pipeline: string; version: string; expected?: string; actual?: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}

/** `--node-id` / `FLOE_NODE_ID` is not a usable node id. */
export class NodeIdError extends FloeError {
  readonly _tag = "NodeIdError" as const;
  readonly context: { source: string; value: string };
  constructor(context: { source: string; value: string }) {
    super(`${context.source} ${JSON.stringify(context.value)} is not a node id: expected 1-100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);
    this.context = context;
  }
}

/** Another live node already reports this id: two nodes with one id would reconcile each other's runs. */
export class NodeIdInUseError extends FloeError {
  readonly _tag = "NodeIdInUseError" as const;
  readonly context: { id: string; host: string; pid: number; heartbeatAgoMs: number };
  constructor(context: { id: string; host: string; pid: number; heartbeatAgoMs: number }) {
    super(
      `node id "${context.id}" is in use by ${context.host} (pid ${context.pid}, heartbeat ${Math.round(context.heartbeatAgoMs / 1000)} s ago); ` +
        "give this node another id (--node-id or FLOE_NODE_ID) or stop that node first",
    );
    this.context = context;
  }
}

/** A setting from the environment that cannot be used (start-up fails naming it, exit 1). */
export class EnvSettingError extends FloeError {
  readonly _tag = "EnvSettingError" as const;
  readonly context: { name: string; value: string };
  constructor(context: { name: string; value: string }, expected: string) {
    super(`${context.name} ${JSON.stringify(context.value)} is not usable: expected ${expected}`);
    this.context = context;
  }
}
