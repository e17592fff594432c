/**
 * @module `createRouter`: one declaration per route gives its Hono handler, its validated and typed input, and its
 * OpenAPI operation, so the document cannot drift from what the code accepts.
 * @example
 * router.get({ path: "/api/runs/:id", params: RunPathSchema, ... }, (c, { params }) => sendJson(c, getRun(params.id)));
 */
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { redactDeep } from "../core/redact.ts";
import { InvalidBodyError, InvalidJsonError, InvalidRequestError, UnsupportedMediaTypeError, zodIssues } from "./errors.ts";

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  /** Other media types the route can answer with (e.g. text/event-stream), documented as text. */
  alsoContentTypes?: readonly string[];
}

export interface RouteSpec<P extends z.ZodType | undefined = z.ZodType | undefined, Q extends z.ZodType | undefined = z.ZodType | undefined, B extends z.ZodType | undefined = z.ZodType | undefined> {
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  /** Open without a token (health, metrics). */
  public?: boolean;
}

export interface RegisteredRoute extends RouteSpec {
  method: "get" | "post";
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}
type Handler<P, Q, B> = (c: Context, input: RouteInput<P, Q, B>) => Response | Promise<Response>;

export interface Router {
  readonly app: Hono;
  readonly routes: readonly RegisteredRoute[];
  get<P extends z.ZodType | undefined, Q extends z.ZodType | undefined>(spec: RouteSpec<P, Q, undefined>, handler: Handler<P, Q, undefined>): void;
  post<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined>(spec: RouteSpec<P, Q, B>, handler: Handler<P, Q, B>): void;
}

interface RawInput {
  params: unknown;
  query: unknown;
  body: unknown;
}
type RawHandler = (c: Context, input: RawInput) => Response | Promise<Response>;

export function createRouter(app: Hono): Router {
  const routes: RegisteredRoute[] = [];
  const add = (method: "get" | "post", spec: RouteSpec, handler: RawHandler): void => {
    routes.push({ ...spec, method });
    app.on(method.toUpperCase(), spec.path, async (c) => handler(c, await parseInput(c, spec)));
  };
  return {
    app,
    routes,
    get: (spec, handler) => add("get", spec, handler as RawHandler),
    post: (spec, handler) => add("post", spec, handler as RawHandler),
  };
}

async function parseInput(c: Context, spec: RouteSpec): Promise<RawInput> {
  const params = spec.params ? check(spec.params, c.req.param(), "path parameters") : undefined;
  const query = spec.query ? check(spec.query, c.req.query(), "query") : undefined;
  const body = spec.body ? await readBody(c, spec.body) : undefined;
  return { params, query, body };
}

function check(schema: z.ZodType, value: unknown, what: string): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidRequestError(`invalid ${what}`, zodIssues(result.error.issues));
}

/** An empty body counts as `{}`; anything else must be JSON of the route's shape. */
async function readBody(c: Context, schema: z.ZodType): Promise<unknown> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== "") {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      throw new UnsupportedMediaTypeError("the body must be JSON (Content-Type: application/json)");
    }
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new InvalidJsonError(`the body is not valid JSON: ${(cause as Error).message}`);
    }
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidBodyError("the body does not match the expected shape", zodIssues(result.error.issues));
}

/** Anything that may carry user text passes a cheap check first; only then the full redaction walk. */
const MAYBE_SECRET = /ema_|eyJ|bearer/i;

/** JSON text of `body` with any secret redacted: every response body and SSE message goes through here. */
export function safeJson(body: unknown): string {
  const text = JSON.stringify(body);
  return MAYBE_SECRET.test(text) ? JSON.stringify(redactDeep(body)) : text;
}

export function sendJson(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(safeJson(body), status, { "content-type": "application/json; charset=utf-8" });
}
