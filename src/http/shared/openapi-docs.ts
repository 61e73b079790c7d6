import type { SwaggerOptions } from '@fastify/swagger';
import { type TUnsafe, Type } from '@sinclair/typebox';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Documentation a route's schema cannot carry without changing what it validates or sends. */
    docs?: RouteDocs;
  }
}

/** A response as the docs show it: a description and, when it has a body, its media types. */
export interface DocResponse {
  description: string;
  content?: Record<string, { schema: object }>;
}

export interface RouteDocs {
  /** Success responses of routes that stream or shape their bodies without a response schema. */
  responses?: Record<number, DocResponse>;
  /** A request body the handler reads by itself (the token endpoint's lenient form). */
  body?: { description: string; content: Record<string, { schema: object }> };
}

/** How a dialect's errors look: one component schema, one description per status it can answer. */
export interface ErrorDocs {
  /** The name of the component in `#/components/schemas`. */
  name: string;
  schema: object;
  contentType: string;
  /** Every error status the dialect's operations can answer, each with what it means there. */
  statuses: Record<number, string>;
}

type SecuritySchemes = NonNullable<
  NonNullable<
    NonNullable<Extract<SwaggerOptions, { openapi?: unknown }>['openapi']>['components']
  >['securitySchemes']
>;

/** A dialect's OpenAPI document beyond its routes: what it is, and how a person authorizes on it. */
export interface DialectDocs {
  title: string;
  /** Markdown, shown atop the docs page. */
  description: string;
  /** How to get a token and use the Authorize button: on the docs page and on the /docs index. */
  authorize: string;
  securitySchemes: SecuritySchemes;
  /** Applied to every operation that declares none. */
  security: Record<string, string[]>[];
}

/** A string enum as a plain `enum` (validation and docs alike), not an anyOf of constants. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

interface RouteLike {
  url: string;
  schema?: Record<string, unknown>;
  config?: { docs?: RouteDocs };
}

/**
 * @fastify/swagger's `transform`: turns one route into its documented operation. The security
 * requirement of the dialect applies unless the route declares its own (token endpoints declare
 * theirs or `[]`); every error status refers to the error component of the dialect the URL belongs
 * to; bodies and responses only documented (not validated or serialized) come from `config.docs`.
 */
export function documentRoute(
  security: Record<string, string[]>[],
  errorsOf: (url: string) => ErrorDocs,
): (arg: { schema: unknown; url: string; route: unknown }) => {
  schema: Record<string, unknown>;
  url: string;
} {
  return ({ schema, url, route }) => {
    const base = (schema ?? {}) as Record<string, unknown>;
    const docs = (route as RouteLike).config?.docs;
    const errors = errorsOf(url);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries((base.response ?? {}) as Record<string, unknown>)) {
      if (Number(status) < 400) responses[status] = response;
    }
    for (const [status, response] of Object.entries(docs?.responses ?? {})) responses[status] = response;
    for (const [status, description] of Object.entries(errors.statuses)) {
      responses[status] = {
        description,
        content: { [errors.contentType]: { schema: { $ref: `#/components/schemas/${errors.name}` } } },
      };
    }
    const out: Record<string, unknown> = { ...base, response: responses };
    if (!out.security) out.security = security;
    if (docs?.body) {
      out.body = docs.body;
      out.consumes = Object.keys(docs.body.content);
    }
    return { schema: out, url };
  };
}

/** A documented JSON (or other media type) response. */
export function docResponse(
  description: string,
  schema: object,
  contentType = 'application/json',
): DocResponse {
  return { description, content: { [contentType]: { schema } } };
}

/** A documented request body of raw bytes (a file the page uploads as it is). */
export function binaryBody(description: string, contentTypes: string[]): NonNullable<RouteDocs['body']> {
  const content: Record<string, { schema: object }> = {};
  for (const type of contentTypes) content[type] = { schema: { type: 'string', format: 'binary' } };
  return { description, content };
}
