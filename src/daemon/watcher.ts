/**
 * @module The file watcher (chokidar): the pipelines folder, the config file and the local files pipelines
 * import. Events are debounced into one batch of changed paths; editors' write-then-rename saves arrive as one.
 */
import { watch, type FSWatcher } from "chokidar";
import { resolve } from "node:path";

export interface Watcher extends AsyncDisposable {
  /** Watches these extra paths too (local imports outside the pipelines folder); idempotent. */
  add(paths: readonly string[]): void;
  /** Resolves once the initial scan is done (changes after this are reported). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface WatcherOptions {
  paths: readonly string[];
  debounceMs: number;
  onChange(paths: ReadonlySet<string>): void;
  onError(error: unknown): void;
}

const IGNORED = /(^|[/\\])(node_modules|\.git)([/\\]|$)|\.tmp-\d+/;

export function createWatcher(options: WatcherOptions): Watcher {
  const watched = new Set(options.paths.map((p) => resolve(p)));
  const fsw: FSWatcher = watch([...watched], { ignoreInitial: true, ignored: (p: string) => IGNORED.test(p) });
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const record = (path: string): void => {
    pending.add(resolve(path));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = pending;
      pending = new Set();
      options.onChange(batch);
    }, options.debounceMs);
  };
  for (const event of ["add", "change", "unlink", "addDir", "unlinkDir"] as const) fsw.on(event, record);
  fsw.on("error", options.onError);
  const ready = new Promise<void>((r) => fsw.once("ready", () => r()));
  const close = async (): Promise<void> => {
    clearTimeout(timer);
    await fsw.close();
  };
  return {
    ready,
    add(paths) {
      const fresh = paths.map((p) => resolve(p)).filter((p) => !watched.has(p));
      for (const p of fresh) watched.add(p);
      if (fresh.length > 0) fsw.add(fresh);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
