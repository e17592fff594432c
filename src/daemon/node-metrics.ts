/**
 * @module This node's Prometheus metrics, whatever its role: who it is (node id and role labels on every series),
 * the runs it holds and runs, the queue depth it sees, its lease renewals and losses, and how long runs waited to
 * be claimed. Served with the API's at `/metrics` on nodes that serve the API, and by `node-http.ts` on the others.
 * Counts come from the store at scrape time; renewals, losses and claim latency from the node's own loops.
 * @example
 * const metrics = createNodeMetrics({ store, node: presence.id, role: "worker", host: hostname() });
 * metrics.claimed(claims.map((c) => c.run.createdAt), Date.now());
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { countNodeRuns, countRunsInStates, type NodeRole, type Store } from "../store/index.ts";

/** The leases a node renews: its run claims, and the scheduler's leadership. */
export type LeaseKind = "run" | "scheduler";

export interface NodeMetrics {
  readonly registry: Registry;
  /** Runs this node just claimed (or started, on a node without claims), by their creation times. */
  claimed(createdAt: readonly number[], now: number): void;
  /** `n` leases of this kind renewed. */
  renewed(kind: LeaseKind, n?: number): void;
  /** `n` leases of this kind lost (taken over, expired, or the database unreachable). */
  lost(kind: LeaseKind, n?: number): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export function createNodeMetrics(deps: { store: Store; node: string; role: NodeRole; host: string }): NodeMetrics {
  const registry = new Registry();
  // Every series of this registry names the node: scrapes of several nodes stay apart without relabelling.
  registry.setDefaultLabels({ node: deps.node, role: deps.role });
  new Gauge({
    name: "floe_node_info",
    help: "This node: 1, labelled with its id, role and host",
    labelNames: ["host"],
    registers: [registry],
    collect() {
      this.set({ host: deps.host }, 1);
    },
  });
  new Gauge({
    name: "floe_node_runs",
    help: "Runs of this node: held (claimed and not ended) and running (its run processes)",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const { held, running } = await countNodeRuns(deps.store, deps.node);
      this.set({ state: "held" }, held);
      this.set({ state: "running" }, running);
    },
  });
  new Gauge({
    name: "floe_queue_depth",
    help: "Pending runs in the cluster's queue (not yet started by any node)",
    registers: [registry],
    async collect() {
      this.set(await countRunsInStates(deps.store, ["Pending"]));
    },
  });
  const renewals = new Counter({
    name: "floe_lease_renewals_total",
    help: "Leases this node renewed, by kind (run claims, scheduler leadership)",
    labelNames: ["lease"],
    registers: [registry],
  });
  const losses = new Counter({
    name: "floe_lease_losses_total",
    help: "Leases this node lost (taken over, expired or not renewable), by kind",
    labelNames: ["lease"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "floe_claim_latency_seconds",
    help: "How long runs waited from creation until this node claimed (or started) them",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  // Series exist from the first scrape, at zero, so rates work before anything happens.
  for (const lease of ["run", "scheduler"] as const) {
    renewals.inc({ lease }, 0);
    losses.inc({ lease }, 0);
  }
  return {
    registry,
    claimed(createdAt, now) {
      for (const at of createdAt) latency.observe(Math.max(0, now - at) / 1000);
    },
    renewed: (kind, n = 1) => renewals.inc({ lease: kind }, n),
    lost: (kind, n = 1) => losses.inc({ lease: kind }, n),
  };
}
