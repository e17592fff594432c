/**
 * @module The environment of processes that compute on arrays: glibc's malloc asked to back large allocations
 * with transparent huge pages (`glibc.malloc.hugetlb=1`, glibc 2.35+, read at exec). numpy madvises its arrays
 * the same way; V8's array buffers come from plain malloc, and on VMs where each first touch of a 4 KiB page
 * traps to the host (Firecracker) fresh chunk buffers cost more than decoding them: 120 MB went from 2.4 s to
 * 0.6 s here, the anomalies op from 17 s to 3.5 s. Elsewhere it is harmless (ignored by older glibc and other libcs).
 */

const TUNABLE = "glibc.malloc.hugetlb";

/**
 * `env` with the tunable added to `GLIBC_TUNABLES`, unless the user set `glibc.malloc.hugetlb` already.
 * @example
 * fork(entry, [], { env: withHugePages(process.env) });
 */
export function withHugePages(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (process.platform !== "linux") return env;
  const current = env.GLIBC_TUNABLES ?? "";
  if (current.split(":").some((t) => t.startsWith(`${TUNABLE}=`))) return env;
  return { ...env, GLIBC_TUNABLES: current ? `${current}:${TUNABLE}=1` : `${TUNABLE}=1` };
}
