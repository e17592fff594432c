/**
 * @module A read-only view of a spec-1 `config.yaml` for the WebAssembly build of Icechunk. That build is
 * compiled without the local-file, HTTP, GCS and Azure object stores, so a config naming a virtual chunk
 * container of those kinds fails with "error in config deserialization" before anything can be read. The
 * view hides those containers (only); chunks referring to them then fail one by one, the rest reads.
 */

/** Store kinds (serde_yaml tags) that the WASM build of @earthmover/icechunk 2.x cannot deserialize. */
export const WASM_UNSUPPORTED_STORES = ["local_file_system", "http", "gcs", "azure"] as const;

export const CONFIG_KEY = "config.yaml";

export interface ConfigView {
  text: string;
  /** Names of the containers left out. */
  hidden: string[];
}

/**
 * Drops the unsupported entries under `virtual_chunk_containers:` of a serde_yaml-written config.
 * Returns undefined when there is nothing to hide or the text is not in the expected shape.
 */
export function filterV1Config(text: string): ConfigView | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^virtual_chunk_containers:\s*$/.test(l));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && (lines[end]!.startsWith(" ") || lines[end] === "")) end += 1;
  // Entries are the 2-space-indented keys; each runs until the next one.
  const entries: { name: string; lines: string[] }[] = [];
  for (const line of lines.slice(start + 1, end)) {
    const head = /^ {2}([^\s].*):\s*$/.exec(line);
    if (head) entries.push({ name: head[1]!, lines: [line] });
    else if (entries.length > 0) entries[entries.length - 1]!.lines.push(line);
    else if (line.trim() !== "") return undefined;
  }
  const unsupported = (entry: { lines: string[] }): boolean =>
    entry.lines.some((l) => {
      const tag = /^ {4}store: !([a-z_0-9]+)/.exec(l)?.[1];
      return tag !== undefined && (WASM_UNSUPPORTED_STORES as readonly string[]).includes(tag);
    });
  const hidden = entries.filter(unsupported).map((e) => e.name);
  if (hidden.length === 0) return undefined;
  const kept = entries.filter((e) => !unsupported(e)).flatMap((e) => e.lines);
  const block = kept.length > 0 ? ["virtual_chunk_containers:", ...kept] : ["virtual_chunk_containers: {}"];
  return { text: [...lines.slice(0, start), ...block, ...lines.slice(end)].join("\n"), hidden };
}
