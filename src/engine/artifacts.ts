/**
 * @module `ctx.artifact`: results a task attaches for people (markdown, a table, a PNG or SVG image, a link, a
 * quick look of an array it wrote), numbered in the order the run attaches them and sent as `artifact:add`
 * events. Sizes are checked here, per artifact and per run, with an error that says which limit and by how much.
 */
import type { ArtifactKind } from "../core/events.ts";
import type { ArtifactApi, QuickLookArtifactOptions } from "../dsl/context.ts";
import { ArtifactError } from "./errors.ts";
import type { Clock } from "../core/clock.ts";
import type { RunEventSink } from "../core/events.ts";
import type { QuickLookFn } from "./types.ts";

/** What artifacts need of their run (an AttemptScope is one). */
export interface ArtifactScope {
  readonly runId: string;
  readonly sink: RunEventSink;
  readonly clock: Clock;
  readonly quicklookFor: QuickLookFn | undefined;
  readonly artifacts: { seq: number; bytes: number };
}

/** Bytes one artifact may hold (text plus image bytes). */
export const MAX_ARTIFACT_BYTES = 1024 * 1024;
/** Bytes all artifacts of one run may hold together. */
export const MAX_RUN_ARTIFACT_BYTES = 8 * 1024 * 1024;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function imageType(bytes: Uint8Array): string | undefined {
  if (PNG.every((b, i) => bytes[i] === b)) return "image/png";
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(head)) return "image/svg+xml";
  return undefined;
}

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(2)} MiB`;

/**
 * @example
 * ctx.artifact.markdown("**12** files written");
 * ctx.artifact.table([{ season: "DJF", mean: 14.2 }]);
 */
export function createArtifactApi(run: ArtifactScope, task: string): ArtifactApi {
  const add = (kind: ArtifactKind, text: string, extra: { title?: string | undefined; content?: Uint8Array; mime?: string } = {}): void => {
    const size = Buffer.byteLength(text) + (extra.content?.byteLength ?? 0);
    if (size > MAX_ARTIFACT_BYTES) {
      throw new ArtifactError(`ctx.artifact.${kind} in task ${task}: ${mib(size)} is over the limit of ${mib(MAX_ARTIFACT_BYTES)} per artifact`);
    }
    if (run.artifacts.bytes + size > MAX_RUN_ARTIFACT_BYTES) {
      throw new ArtifactError(
        `ctx.artifact.${kind} in task ${task}: the run's artifacts would hold ${mib(run.artifacts.bytes + size)}, over the limit of ${mib(MAX_RUN_ARTIFACT_BYTES)} per run`,
      );
    }
    run.artifacts.bytes += size;
    const seq = ++run.artifacts.seq;
    run.sink.emit({ type: "artifact:add", runId: run.runId, task, seq, kind, text, at: run.clock.now(), ...extra });
  };
  const title = (o: { title?: string | undefined } | undefined) => (o?.title === undefined ? {} : { title: String(o.title).slice(0, 200) });

  return {
    markdown(text, options) {
      if (typeof text !== "string") throw new ArtifactError(`ctx.artifact.markdown in task ${task}: expected a string, got ${typeof text}`);
      add("markdown", text, title(options));
    },
    table(rows, options) {
      if (!Array.isArray(rows) || rows.some((r) => r === null || typeof r !== "object" || Array.isArray(r))) {
        throw new ArtifactError(`ctx.artifact.table in task ${task}: expected an array of row objects, e.g. [{ season: "DJF", mean: 14.2 }]`);
      }
      let json: string;
      try {
        json = JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
      } catch (cause) {
        throw new ArtifactError(`ctx.artifact.table in task ${task}: rows are not JSON-serialisable (${(cause as Error).message})`);
      }
      add("table", json, title(options));
    },
    image(bytes, options) {
      if (!(bytes instanceof Uint8Array)) throw new ArtifactError(`ctx.artifact.image in task ${task}: expected PNG or SVG bytes (a Uint8Array)`);
      const mime = imageType(bytes);
      if (!mime) throw new ArtifactError(`ctx.artifact.image in task ${task}: the bytes are neither a PNG nor an SVG image`);
      add("image", options?.alt ?? "", { ...title(options), content: new Uint8Array(bytes), mime });
    },
    link(url, label) {
      // Only web links and paths on this server: a javascript: or data: URL must never become a link on the page.
      if (typeof url !== "string" || !/^(https?:\/\/|\/(?!\/))/i.test(url)) {
        throw new ArtifactError(`ctx.artifact.link in task ${task}: url must start with http://, https:// or / (got ${JSON.stringify(String(url).slice(0, 80))})`);
      }
      add("link", JSON.stringify({ url, label: label ?? url }));
    },
    async quicklook(options: QuickLookArtifactOptions) {
      if (!run.quicklookFor) throw new ArtifactError(`ctx.artifact.quicklook in task ${task}: quick looks need Arraylake settings (the runner passes them)`);
      const ref = options.snapshotId ?? options.ref ?? "main";
      const look = await run.quicklookFor({ repo: options.repo, ref, array: options.array, index: options.index ?? {} });
      const m = look.meta;
      const where = m.fixed.map((f) => `${f.dim} ${f.label ?? f.index}`).join(", ");
      const alt = `${m.longName ?? m.array} in ${m.repo} at snapshot ${m.snapshotId}${where ? `, ${where}` : ""}: ${m.min ?? "—"} to ${m.max ?? "—"}${m.units ? ` ${m.units}` : ""}`;
      add("image", alt, { title: options.title ?? `Quick look: ${m.array}`, content: look.bytes, mime: m.contentType });
    },
  };
}
