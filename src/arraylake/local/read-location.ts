/** @module Reading a located chunk: `length` bytes at `offset` of a chunk file, in one read, into fresh memory. */
import { open } from "node:fs/promises";
import type { ChunkLocation } from "./chunk-index.ts";

/** The chunk's bytes in their own buffer (never pooled), or undefined when the file is shorter than the ref says. */
export async function readLocation(at: ChunkLocation): Promise<Uint8Array | undefined> {
  if ("bytes" in at) return at.bytes.slice();
  const handle = await open(at.path, "r");
  try {
    // Not zero-filled: the read overwrites it.
    const out = new Uint8Array(Buffer.allocUnsafeSlow(at.length).buffer, 0, at.length);
    let done = 0;
    while (done < at.length) {
      const { bytesRead } = await handle.read(out, done, at.length - done, at.offset + done);
      if (bytesRead === 0) return undefined;
      done += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}
