/**
 * The building blocks of Wharf's OpenAPI 3.0 description: the object types it uses, the components every area
 * shares (the error envelope, error responses, paging parameters and headers, security schemes) and helpers that
 * keep an area's module short. Each area (`system.ts`, `users.ts`, ...) describes only what Wharf implements.
 */
import { HARBOR_ERRORS } from '../../error-handler.js';

export interface Ref {
  readonly $ref: string;
}

export interface SchemaObject {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaObject | Ref>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaObject | Ref;
  readonly items?: SchemaObject | Ref;
  readonly anyOf?: readonly (SchemaObject | Ref)[];
  readonly enum?: readonly (string | number | boolean)[];
  readonly nullable?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: unknown;
  readonly example?: unknown;
}

export interface ParameterObject {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header' | 'cookie';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: SchemaObject;
}

export interface HeaderObject {
  readonly description: string;
  readonly schema: SchemaObject;
}

export interface MediaTypeObject {
  readonly schema: SchemaObject | Ref;
}

export interface ResponseObject {
  readonly description: string;
  readonly headers?: Readonly<Record<string, HeaderObject | Ref>>;
  readonly content?: Readonly<Record<string, MediaTypeObject>>;
}

export interface RequestBodyObject {
  readonly description: string;
  readonly required: boolean;
  readonly content: Readonly<Record<string, MediaTypeObject>>;
}

export interface OperationObject {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly (ParameterObject | Ref)[];
  readonly requestBody?: RequestBodyObject;
  readonly responses: Readonly<Record<string, ResponseObject | Ref>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type PathItem = Partial<Record<HttpMethod, OperationObject>>;

/** One API area: its tag, its paths (relative to /api/v2.0, `{param}` templates) and the schemas it names. */
export interface ApiArea {
  readonly tag: { readonly name: string; readonly description: string };
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly schemas?: Readonly<Record<string, SchemaObject>>;
}

export const schemaRef = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });
export const parameterRef = (name: keyof typeof PARAMETERS): Ref => ({ $ref: `#/components/parameters/${name}` });
const headerRef = (name: keyof typeof HEADERS): Ref => ({ $ref: `#/components/headers/${name}` });

export const dateTime = (description: string): SchemaObject => ({ type: 'string', format: 'date-time', description });
export const integerId = (description: string): SchemaObject => ({ type: 'integer', format: 'int64', description });

const ERROR_RESPONSES = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  422: 'UnprocessableEntity',
  500: 'InternalServerError',
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** The shared error responses for `statuses`; every operation also gets 401 (bad credentials) and 500. */
export function errors(...statuses: ErrorStatus[]): Record<string, Ref> {
  const all = [...new Set<ErrorStatus>([...statuses, 401, 500])].sort((a, b) => a - b);
  return Object.fromEntries(all.map((s) => [String(s), { $ref: `#/components/responses/${ERROR_RESPONSES[s]}` }]));
}

/** A JSON response with `schema`. */
export function jsonResponse(description: string, schema: SchemaObject | Ref): ResponseObject {
  return { description, headers: { 'X-Request-Id': headerRef('XRequestId') }, content: json(schema) };
}

/** A response without a body. */
export function emptyResponse(description: string): ResponseObject {
  return { description, headers: { 'X-Request-Id': headerRef('XRequestId') } };
}

/** 201 with the new resource's path in `Location`, without a body. */
export function createdResponse(description: string): ResponseObject {
  return { description, headers: { 'X-Request-Id': headerRef('XRequestId'), Location: headerRef('Location') } };
}

/** 201 with the new resource's path in `Location`, and a JSON body with `schema`. */
export function createdJsonResponse(description: string, schema: SchemaObject | Ref): ResponseObject {
  return {
    description,
    headers: { 'X-Request-Id': headerRef('XRequestId'), Location: headerRef('Location') },
    content: json(schema),
  };
}

/** One page of a list: a JSON array with `X-Total-Count` and `Link` (previous and next pages). */
export function pagedResponse(description: string, items: SchemaObject | Ref): ResponseObject {
  return {
    description,
    headers: {
      'X-Request-Id': headerRef('XRequestId'),
      'X-Total-Count': headerRef('XTotalCount'),
      Link: headerRef('Link'),
    },
    content: json({ type: 'array', items }),
  };
}

export function jsonBody(description: string, schema: SchemaObject | Ref): RequestBodyObject {
  return { description, required: true, content: json(schema) };
}

export function pathParameter(name: string, description: string, schema: SchemaObject): ParameterObject {
  return { name, in: 'path', description, required: true, schema };
}

function json(schema: SchemaObject | Ref): Record<string, MediaTypeObject> {
  return { 'application/json': { schema } };
}

/** The query parameters of paged lists, in the order they are usually listed. */
export const PAGING = [parameterRef('Page'), parameterRef('PageSize')];

/** The parameters of every operation on one project: its name or id, and how to read it. */
export const PROJECT_AT = [parameterRef('ProjectNameOrId'), parameterRef('IsResourceName')];

const PARAMETERS = {
  Page: {
    name: 'page',
    in: 'query',
    description: 'Page number, from 1.',
    schema: { type: 'integer', format: 'int64', minimum: 1, default: 1 },
  },
  PageSize: {
    name: 'page_size',
    in: 'query',
    description: 'Items per page.',
    schema: { type: 'integer', format: 'int64', minimum: 1, maximum: 100, default: 10 },
  },
  Query: {
    name: 'q',
    in: 'query',
    description:
      'Filter terms separated by commas: `key=value` matches exactly, `key=~value` matches a substring. ' +
      'Each list documents the keys it accepts.',
    schema: { type: 'string' },
  },
  Sort: {
    name: 'sort',
    in: 'query',
    description: 'Sort key; a leading `-` sorts descending. Each list documents the keys it accepts.',
    schema: { type: 'string' },
  },
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    description: 'Correlation id echoed in the response (letters, digits, `.`, `_`, `-`; at most 128).',
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  },
  ProjectNameOrId: {
    name: 'project_name_or_id',
    in: 'path',
    required: true,
    description:
      'The project’s name, or its id (a number). Send `X-Is-Resource-Name: true` for a name made only of digits.',
    schema: { type: 'string', minLength: 1 },
  },
  IsResourceName: {
    name: 'X-Is-Resource-Name',
    in: 'header',
    description: 'When true, a project path parameter is always a name, even when it looks like a number.',
    schema: { type: 'boolean', default: false },
  },
} as const satisfies Record<string, ParameterObject>;

const HEADERS = {
  XRequestId: { description: 'The id of the request (the one sent, or a generated one).', schema: { type: 'string' } },
  XTotalCount: { description: 'How many items the whole list has.', schema: { type: 'integer', format: 'int64' } },
  Link: {
    description: 'Links to the previous and next pages: `<url>; rel="prev" , <url>; rel="next"`.',
    schema: { type: 'string' },
  },
  Location: { description: 'The path of the created resource.', schema: { type: 'string' } },
} as const satisfies Record<string, HeaderObject>;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is malformed or a field is invalid.',
  401: 'Authentication is required, or the credentials are wrong.',
  403: 'The caller may not do this.',
  404: 'The resource does not exist (or the caller may not know it does).',
  409: 'The resource conflicts with an existing one.',
  412: 'A precondition of the operation does not hold.',
  422: 'The request is well-formed but its content is not acceptable.',
  500: 'Unexpected server error.',
};

/** The components every area shares. */
export const COMMON_COMPONENTS = {
  schemas: {
    Errors: {
      type: 'object',
      description: 'The error envelope of every failed request.',
      required: ['errors'],
      properties: { errors: { type: 'array', items: schemaRef('Error') } },
    },
    Error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description: 'Machine-readable error code.',
          enum: Object.keys(HARBOR_ERRORS),
        },
        message: { type: 'string', description: 'What went wrong, for people.' },
      },
    },
  } satisfies Record<string, SchemaObject>,
  responses: Object.fromEntries(
    (Object.keys(ERROR_DESCRIPTIONS) as `${ErrorStatus}`[]).map((status) => [
      ERROR_RESPONSES[status],
      jsonResponse(ERROR_DESCRIPTIONS[status], schemaRef('Errors')),
    ]),
  ),
  parameters: PARAMETERS,
  headers: HEADERS,
  securitySchemes: {
    basic: { type: 'http', scheme: 'basic', description: 'A user name and password, or a robot account and secret.' },
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: 'sid',
      description: 'The portal session cookie set by `POST /c/login`.',
    },
  },
};
