/**
 * @module Serving the API app over HTTP (@hono/node-server). Listening errors become a {@link ListenError} with a
 * message a person can act on (port in use, address not available).
 */
import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FloeError } from "../core/errors.ts";

export class ListenError extends FloeError {
  readonly _tag = "ListenError" as const;
}

export interface HttpServer extends AsyncDisposable {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(fetch: (request: Request) => Response | Promise<Response>, host: string, port: number): Promise<HttpServer> {
  const server = createAdaptorServer({ fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new ListenError(`port ${port} on ${host} is already in use (another floe daemon?). Stop it, or choose another port with FLOE_PORT or daemon.port in arraylake.config.ts.`));
      } else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
        reject(new ListenError(`cannot listen on ${host}: the address is not available on this machine`));
      } else if (error.code === "EACCES") {
        reject(new ListenError(`not allowed to listen on ${host}:${port} (ports below 1024 need privileges)`));
      } else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // live log streams would hold the close otherwise
    });
  return { url: `http://${shown}:${actual}`, port: actual, close, [Symbol.asyncDispose]: close };
}
