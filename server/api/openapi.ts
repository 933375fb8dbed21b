/**
 * The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json), generated from the endpoint
 * table's zod schemas with zod's own JSON Schema output (OpenAPI 3.1 uses JSON Schema 2020-12).
 */
import { z } from "zod";
import type { Endpoint } from "./endpoint";

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as Json;
  return rest;
}

const errorSchema: Json = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } } },
};

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

/** The parameters of an object schema (path or query), one per property. */
function parameters(schema: z.ZodType | undefined, where: "path" | "query"): Json[] {
  if (!schema) return [];
  const json = schemaOf(schema, "input") as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

export function openApiDocument(endpoints: readonly Endpoint[], serverUrl: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const e of endpoints) {
    const status = String(e.status ?? 200);
    const operation: Json = {
      operationId: e.operationId,
      summary: e.summary,
      ...(e.description ? { description: e.description } : {}),
      ...(e.tags ? { tags: e.tags } : {}),
      parameters: [...parameters(e.params, "path"), ...parameters(e.query, "query")],
      ...(e.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(e.body, "input") } } } } : {}),
      responses: {
        [status]: status === "204" ? { description: "Done" } : { description: "OK", content: { "application/json": { schema: schemaOf(e.response, "output") } } },
        "400": errorResponse("bad_request: malformed input, nothing changed"),
        "401": errorResponse("unauthorized: no valid session or token (revoked, expired, or the person is disabled)"),
        "403": errorResponse("forbidden: the policy refuses, with its reason"),
        "404": errorResponse("not_found: unknown id, or one the caller may not know of"),
      },
      ...(e.public ? { security: [] } : {}),
    };
    (paths[e.path] ??= {})[e.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Overleg API",
      version: "1",
      description:
        "Read Overleg's agendas, workspaces and sections, and search them, as the person a token belongs to: the same rights as in the app, checked at every request. Make a personal token on the page Settings → API tokens and send it as `Authorization: Bearer <token>`.",
    },
    servers: [{ url: `${serverUrl.replace(/\/$/, "")}/api/v1` }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "A personal API token (ovl_…), or the session token sign-in returns" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "better-auth.session_token", description: "The app's session; changes also need the app's Origin" },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
