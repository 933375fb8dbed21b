/**
 * One entry per /api/v1 operation: its method and path, zod schemas for what it takes and answers,
 * and what it runs. The router (server/api.ts) parses and authenticates from the entry, and the
 * OpenAPI document (server/api/openapi.ts) is generated from the same entries, so the two cannot
 * drift. Exposing a command is one entry:
 *
 *   endpoint({
 *     method: "POST", path: "/workspaces/{id}/sections", operationId: "createSection", summary: "Create a section",
 *     params: z.object({ id: idSchema }), body: createSectionSchema, response: sectionSchema, status: 201,
 *     run: ({ services, actor, params, body }) => createSection(services, { actor, workspaceId: params.id, input: body }),
 *   })
 */
import type { z } from "zod";
import type { Services, SignedIn } from "../context";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface EndpointContext<P, Q, B> {
  services: Services;
  /** The person asking: from the session cookie, a session bearer token or a personal API token. */
  actor: SignedIn;
  params: P;
  query: Q;
  body: B;
}

export interface Endpoint<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: Method;
  /** OpenAPI style: `/sections/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Path parameters, by name. */
  params?: P;
  /** Query parameters; anything else in the query string is refused (400). */
  query?: Q;
  /** The JSON body (POST/PUT/PATCH). */
  body?: B;
  response: R;
  /** The success status (default 200). */
  status?: 200 | 201 | 204;
  /** Whether it answers without signing in (the OpenAPI document itself). */
  public?: boolean;
  run(ctx: EndpointContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

/** Declares an endpoint with its types inferred from its schemas. */
export function endpoint<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(e: Endpoint<P, Q, B, R>): Endpoint {
  return e as unknown as Endpoint;
}
