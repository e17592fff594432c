/**
 * @module `serveApp`: listens with @hono/node-server and resolves once bound, or rejects with a {@link ServeError}
 * whose message says what to do (the daemon prints it and exits 1).
 * @example
 * const server = await serveApp(createApp(deps, { host }), { host, port: 4300 });
 * console.log(`floe API on ${server.url}`); await server.close();
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import { ServeError } from "./errors.ts";

export interface ServedApp {
  /** Base URL, e.g. `http://127.0.0.1:4300` (the real port when 0 was asked). */
  url: string;
  port: number;
  /** Stops accepting, ends open connections (including live log streams), resolves when closed. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const REASONS: Record<string, (host: string, port: number) => string> = {
  EADDRINUSE: (h, p) => `port ${p} on ${h} is already in use (another floe daemon?): stop it or choose another port`,
  EACCES: (h, p) => `not allowed to listen on ${h}:${p} (ports below 1024 need privileges): choose another port`,
  EADDRNOTAVAIL: (h, p) => `address ${h} is not available on this machine (cannot listen on ${h}:${p}): check daemon.host`,
};

/** Requests Node cannot even parse (bad framing, huge headers) still get the API's one error shape. */
function onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, code] = error.code === "HPE_HEADER_OVERFLOW" ? ["431 Request Header Fields Too Large", "headers_too_large"] : ["400 Bad Request", "bad_request"];
  const body = JSON.stringify({ error: { code, message: "the request is not valid HTTP/1.1" } });
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

export function serveApp(app: Hono, opts: { host: string; port: number }): Promise<ServedApp> {
  const server = createAdaptorServer({ fetch: app.fetch, hostname: opts.host }) as Server;
  server.on("clientError", onClientError);
  return new Promise<ServedApp>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const code = error.code ?? "UNKNOWN";
      const reason = REASONS[code]?.(opts.host, opts.port) ?? `cannot listen on ${opts.host}:${opts.port}: ${error.message}`;
      reject(new ServeError(reason, { host: opts.host, port: opts.port, code }, { cause: error }));
    };
    server.once("error", onError);
    server.listen(opts.port, opts.host, () => {
      server.off("error", onError);
      const { port } = server.address() as AddressInfo;
      const host = opts.host.includes(":") && !opts.host.startsWith("[") ? `[${opts.host}]` : opts.host;
      const close = (): Promise<void> =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve({ url: `http://${host}:${port}`, port, close, [Symbol.asyncDispose]: close });
    });
  });
}
