/**
 * An OpenAPI 3.1 document built from the zod schemas the API routes parse. Each module describes
 * its operations next to its routes (`*.openapi.ts`); `buildOpenApiDocument` turns them into one
 * document. zod 4 writes JSON Schema 2020-12, the dialect of OpenAPI 3.1, so request schemas are
 * the routes' own and cannot drift from what the routes accept.
 *
 * Every operation gets the API-key security (with its scope) and the shared error responses it
 * can answer: 400 when it takes input, 401, 403 when it needs a scope, 413 when it takes a body,
 * 500, 503 (the database is unreachable for the moment), plus the 404 and 409 its description lists.
 */
import { z } from 'zod';
import type { ApiScope } from '../auth/api-scopes';
import type { RouteMethod } from '../auth/route-table';
import { errorBodySchema } from '../errors/error-body.schemas';

export interface ApiModuleDescription {
  tag: { name: string; description: string };
  /** Schemas shown under their own name and referenced wherever they are used (e.g. `Customer`). */
  schemas?: Record<string, z.ZodType>;
  operations: ApiOperation[];
}

export interface ApiOperation {
  method: RouteMethod;
  /** Relative to the server (`/api/v1`), OpenAPI style: `/customers/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** The scope the API key needs; null admits any valid key. */
  scope: ApiScope | null;
  /** A zod object of the path's parameters, as the route parses them. */
  pathParams?: z.ZodObject;
  /** The query schema the route parses; each property becomes a query parameter. */
  query?: z.ZodType;
  /** Descriptions of query parameters the schema cannot carry (e.g. comma-separated lists). */
  queryNotes?: Record<string, string>;
  body?: { schema: z.ZodType; example: unknown };
  responses: Record<number, ApiResponse>;
  /** Errors beyond those every operation of its kind can answer. */
  errors?: Array<404 | 409>;
}

export interface ApiResponse {
  description: string;
  schema: z.ZodType;
  example?: unknown;
  headers?: Record<string, { description: string }>;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** A plain JSON object: the document is served as JSON and read by tests as such. */
export type JsonObject = Record<string, unknown>;

export function buildOpenApiDocument(info: OpenApiInfo, modules: readonly ApiModuleDescription[]): JsonObject {
  const schemas = new SchemaNames();
  schemas.name('Error', errorBodySchema);
  for (const module of modules) for (const [name, schema] of Object.entries(module.schemas ?? {})) schemas.name(name, schema);
  const operations = modules.flatMap((module) => module.operations.map((operation) => ({ tag: module.tag.name, operation })));
  for (const { operation } of operations) nameOperationSchemas(schemas, operation);

  const components = schemas.toJsonSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { tag, operation } of operations) {
    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = operationObject(tag, operation, schemas, components);
  }
  for (const name of schemas.parameterSchemaNames()) delete components[name];

  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/api/v1', description: 'This installation' }],
    security: [{ [bearerScheme]: [] }, { [headerScheme]: [] }],
    tags: modules.map((module) => module.tag),
    paths,
    components: { schemas: components, responses: errorResponses, securitySchemes },
  };
}

// ---------------------------------------------------------------------------------------------

const bearerScheme = 'apiKey';
const headerScheme = 'apiKeyHeader';

const securitySchemes = {
  [bearerScheme]: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key, sent as `Authorization: Bearer <key>`. Each key has scopes; each operation names the one it needs.',
  },
  [headerScheme]: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key in an `X-API-Key` header, for clients that cannot set Authorization.' },
};

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;

const errorResponseNames: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  500: 'InternalError',
  503: 'DatabaseUnavailable',
};

const errorResponses = Object.fromEntries(
  (
    [
      [400, 'The input is not valid (one entry per field in `details`) or the body is not JSON.', 'validation_failed', 'Some of the input is not valid.', [{ field: 'customer.email', reason: 'Invalid email address' }]],
      [401, 'No API key, or an unknown or revoked one.', 'unauthorized', 'Send a valid API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".', null],
      [403, 'The API key lacks the scope this operation needs.', 'forbidden', 'This API key does not have the scope customers:read.', null],
      [404, 'The customer or record named does not exist.', 'not_found', 'No customer has this external id.', [{ field: 'customer.externalId', reason: 'unknown customer' }]],
      [409, "The request conflicts with the record's current state.", 'conflict', 'Only a churned customer can come back; this one is active.', [{ field: 'customer', reason: 'status is active' }]],
      [413, 'The request body is larger than 100 kB.', 'payload_too_large', 'The request body is too large.', null],
      [500, 'Something failed on our side; the message is generic and the details are logged.', 'internal_error', 'Something went wrong on our side. Please try again later.', null],
      [503, 'The database cannot be reached for the moment (an outage or a restart); send the request again after `Retry-After` seconds.', 'database_unavailable', 'The database cannot be reached at the moment. Please try again shortly.', null],
    ] as const
  ).map(([status, description, code, message, details]) => [
    errorResponseNames[status],
    { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { error: { code, message, details } } } } },
  ]),
);

/** Gives every schema the document shows a component name, and converts them in one pass. */
class SchemaNames {
  private readonly registry = z.registry<{ id: string }>();
  private readonly names = new Map<z.ZodType, string>();
  private readonly parameterNames = new Set<string>();

  /** Names the schema, unless it already has a name; returns its name. */
  name(name: string, schema: z.ZodType, options: { parameters?: boolean } = {}): string {
    const existing = this.names.get(schema);
    if (existing) return existing;
    if ([...this.names.values()].includes(name)) throw new Error(`two API schemas are named ${name}`);
    this.registry.add(schema, { id: name });
    this.names.set(schema, name);
    if (options.parameters) this.parameterNames.add(name);
    return name;
  }

  nameOf(schema: z.ZodType): string {
    const name = this.names.get(schema);
    if (!name) throw new Error('API schema without a name');
    return name;
  }

  /** Query and path schemas are unfolded into parameters, not shown as components. */
  parameterSchemaNames(): string[] {
    return [...this.parameterNames];
  }

  /** JSON Schema 2020-12 of every named schema, referring to each other through `#/components/schemas/`. */
  toJsonSchemas(): Record<string, JsonObject> {
    const { schemas } = z.toJSONSchema(this.registry, {
      target: 'draft-2020-12',
      // What a client sends and receives: defaults are optional, dates are strings.
      io: 'input',
      metadata: this.registry,
      uri: (id) => `#/components/schemas/${id}`,
      override: ({ zodSchema, jsonSchema }) => describeFromMeta(zodSchema, jsonSchema as JsonObject),
    });
    return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, withoutIdentity(schema as JsonObject)]));
  }
}

function nameOperationSchemas(schemas: SchemaNames, operation: ApiOperation): void {
  const base = operation.operationId.charAt(0).toUpperCase() + operation.operationId.slice(1);
  if (operation.pathParams) schemas.name(`${base}PathParameters`, operation.pathParams, { parameters: true });
  if (operation.query) schemas.name(`${base}QueryParameters`, operation.query, { parameters: true });
  if (operation.body) schemas.name(`${base}Request`, operation.body.schema);
  for (const [status, response] of Object.entries(operation.responses)) schemas.name(`${base}Response${status === '200' ? '' : status}`, response.schema);
}

function operationObject(tag: string, operation: ApiOperation, schemas: SchemaNames, components: Record<string, JsonObject>): JsonObject {
  const reference = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${schemas.nameOf(schema)}` });
  const parameters = [
    ...(operation.pathParams ? parametersOf(components[schemas.nameOf(operation.pathParams)], 'path') : []),
    ...(operation.query ? parametersOf(components[schemas.nameOf(operation.query)], 'query', operation.queryNotes) : []),
  ];
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.headers ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, header]) => [name, { ...header, schema: { type: 'string' } }])) } : {}),
      content: { 'application/json': { schema: reference(response.schema), ...(response.example === undefined ? {} : { example: response.example }) } },
    };
  }
  for (const status of errorStatusesOf(operation)) responses[status] = { $ref: `#/components/responses/${errorResponseNames[status]}` };
  const scopes = operation.scope ? [operation.scope] : [];

  return {
    tags: [tag],
    operationId: operation.operationId,
    summary: operation.summary,
    description: [operation.description, operation.scope ? `Scope: \`${operation.scope}\`.` : 'Any valid API key.'].filter(Boolean).join('\n\n'),
    ...(parameters.length ? { parameters } : {}),
    ...(operation.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: reference(operation.body.schema), example: operation.body.example } } } }
      : {}),
    responses,
    security: [{ [bearerScheme]: scopes }, { [headerScheme]: scopes }],
  };
}

function errorStatusesOf(operation: ApiOperation): ErrorStatus[] {
  const takesInput = operation.body || operation.query || operation.pathParams;
  const statuses: ErrorStatus[] = [...(takesInput ? [400 as const] : []), 401, ...(operation.scope ? [403 as const] : []), ...(operation.errors ?? [])];
  if (operation.body) statuses.push(413);
  statuses.push(500, 503);
  return [...new Set(statuses)].sort((a, b) => a - b);
}

/** One parameter per property of an object schema. */
function parametersOf(schema: JsonObject | undefined, where: 'path' | 'query', notes: Record<string, string> = {}): JsonObject[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    const text = [description, notes[name]].filter(Boolean).join(' ');
    return { name, in: where, required: where === 'path' || required.has(name), ...(text ? { description: text } : {}), schema: propertySchema };
  });
}

/** Descriptions given with `.meta()` live in zod's global registry; the document uses its own. */
function describeFromMeta(zodSchema: unknown, jsonSchema: JsonObject): void {
  const description = z.globalRegistry.get(zodSchema as z.ZodType)?.description;
  if (description && jsonSchema.description === undefined) jsonSchema.description = description;
  // zod spells out its date and date-time checks as long patterns; the format says the same to people and tools.
  if ((jsonSchema.format === 'date' || jsonSchema.format === 'date-time') && typeof jsonSchema.pattern === 'string') delete jsonSchema.pattern;
}

/** Component schemas are located by the document; their own `$schema` and `$id` would only mislead. */
function withoutIdentity(schema: JsonObject): JsonObject {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
