/**
 * Machines for cluster tests: Linux network namespaces (`ip netns`), one veth pair per node, addresses from a
 * private /24 this file picks (one nobody on this machine routes) and splits into /30s: node i's host side is
 * `.4i+1` (root namespace, where PostgreSQL listens), its namespace side `.4i+2`. Everything is created here and
 * removed by `destroy()`, which also runs on process exit, SIGINT and SIGTERM, so a failed or interrupted test
 * leaves no namespace, link or process behind. Namespaces left by a test process that died anyway (SIGKILL) are
 * swept at the next start: their names carry the dead pid.
 * @example
 * const net = createNetwork(3);
 * const proc = net.nodes[0]!.spawn(process.execPath, ["bin/floe.js", "start"], { env });
 * net.nodes[0]!.cut(); ... net.nodes[0]!.restore();
 * net.destroy();
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const PREFIX = "floe-t";

export interface NetNode {
  /** The namespace's name. */
  readonly ns: string;
  /** Root-namespace side of the link (PostgreSQL listens here for this node). */
  readonly hostAddr: string;
  /** The node's own address, inside its namespace. */
  readonly addr: string;
  /** Takes the link down: the node can reach nothing (its sockets stay open, as on a real partition). */
  cut(): void;
  restore(): void;
  /** Starts a process inside the namespace (`ip netns exec`, so its pid is the program's own). */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
}

export interface Network {
  readonly nodes: readonly NetNode[];
  /** The /24 the links use, e.g. `10.173.41.0/24` (what PostgreSQL accepts connections from). */
  readonly subnet: string;
  /** Idempotent; kills what still runs in the namespaces, then removes them (and with them the links). */
  destroy(): void;
}

const ip = (...args: string[]): string => execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const quiet = (fn: () => unknown): void => {
  try {
    fn();
  } catch {
    // already gone
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Removes namespaces a previous test process made and could not remove (it was SIGKILLed). */
function sweepStale(): void {
  for (const line of ip("netns", "list").split("\n")) {
    const m = new RegExp(`^(${PREFIX}(\\d+)-\\d+)`).exec(line.trim());
    if (m && !alive(Number(m[2]))) removeNamespace(m[1]!);
  }
}

function removeNamespace(ns: string): void {
  quiet(() => {
    for (const pid of ip("netns", "pids", ns).split("\n").map(Number).filter((p) => p > 0)) quiet(() => process.kill(pid, "SIGKILL"));
  });
  quiet(() => ip("netns", "del", ns));
}

/** A /24 in 10.0.0.0/8 that no address or route of this machine touches. */
function freeSubnet(): string {
  const used = ip("-4", "route", "show", "table", "all") + ip("-4", "addr");
  for (let i = 0; i < 100; i++) {
    const a = 100 + Math.floor(Math.random() * 100);
    const b = Math.floor(Math.random() * 256);
    const prefix = `10.${a}.${b}.`;
    if (!used.includes(prefix) && !used.includes(`10.${a}.0.0`) && !used.includes(" 10.0.0.0/8")) return prefix;
  }
  throw new Error("no free private /24 found for the test network");
}

/** Creates `count` namespaces, each linked to the root namespace by its own veth pair. */
export function createNetwork(count: number): Network {
  if (count < 1 || count > 60) throw new Error(`createNetwork: 1..60 nodes, got ${count}`);
  sweepStale();
  const prefix = freeSubnet();
  const made: string[] = [];
  const links: string[] = [];
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    for (const ns of made) removeNamespace(ns);
    for (const link of links) quiet(() => ip("link", "del", link)); // deleting a namespace deletes its pair; this is for a half-made one
    process.off("exit", destroy);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    destroy();
    process.kill(process.pid, signal); // the default action, now that the handler is gone
  };
  process.on("exit", destroy);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const nodes: NetNode[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const ns = `${PREFIX}${process.pid}-${i}`;
      const hostIf = `fh${process.pid}x${i}`;
      const nsIf = `fn${process.pid}x${i}`;
      const hostAddr = `${prefix}${4 * i + 1}`;
      const addr = `${prefix}${4 * i + 2}`;
      ip("netns", "add", ns);
      made.push(ns);
      ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
      links.push(hostIf);
      ip("link", "set", nsIf, "netns", ns);
      ip("addr", "add", `${hostAddr}/30`, "dev", hostIf);
      ip("link", "set", hostIf, "up");
      ip("netns", "exec", ns, "ip", "addr", "add", `${addr}/30`, "dev", nsIf);
      ip("netns", "exec", ns, "ip", "link", "set", nsIf, "up");
      ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
      nodes.push({
        ns, hostAddr, addr,
        cut: () => void ip("link", "set", hostIf, "down"),
        restore: () => void ip("link", "set", hostIf, "up"),
        spawn: (command, args, options) => spawn("ip", ["netns", "exec", ns, command, ...args], options),
      });
    }
  } catch (error) {
    destroy();
    throw error;
  }
  return { nodes, subnet: `${prefix}0/24`, destroy };
}

/** Why namespaces cannot be made here (not root, no iproute2), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "network namespaces need root";
  try {
    ip("netns", "list");
    return undefined;
  } catch (error) {
    return `ip netns does not work here (${(error as Error).message.split("\n")[0]})`;
  }
}
