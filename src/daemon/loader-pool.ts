/**
 * @module Two warm loaders used in turn. A loader process serves one request and a fresh one must boot (tsx + floe,
 * ~0.4 s) before the next load; with two, a quick succession of saves finds a booted process waiting.
 */
import { createLoader, type Loader, type LoaderOptions } from "../loader/index.ts";

export function createLoaderPool(options: LoaderOptions, size = 2): Loader {
  const loaders = Array.from({ length: Math.max(1, size) }, () => createLoader({ ...options, warm: true }));
  let next = 0;
  const close = async (): Promise<void> => {
    await Promise.all(loaders.map((l) => l.close()));
  };
  return {
    load(request) {
      const loader = loaders[next]!;
      next = (next + 1) % loaders.length;
      return loader.load(request);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
