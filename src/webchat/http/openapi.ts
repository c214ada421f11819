import {z} from 'zod'
import {ERROR_STATUS} from './error-codes.js'
import {isApiPath} from './request-guard-policy.js'
import type {RouteEntry} from './routes.js'

/** The body of every error answer (`HttpError.body()`), as the spec's `Error` component. */
export const ErrorBodySchema = z.looseObject({
  error: z.string().describe('what was wrong, for a person'),
  code: z
    .enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]])
    .describe('what was wrong, for a program'),
  field: z.string().optional().describe('the dotted path of the bad field (422 invalid_request)'),
})

type JsonObject = Record<string, unknown>

/**
 * The OpenAPI 3.1 document of `routes` (the route table): each request body is the JSON Schema of
 * the zod schema its handler parses with (`z.toJSONSchema`, input side), so the spec cannot drift
 * from what the server accepts. Every operation answers errors as the `Error` component.
 */
export function openApiDocument(routes: readonly RouteEntry[], version: string): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {}
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]\w*)/g, '{$1}')
    const operations = (paths[path] ??= {})
    operations[route.method.toLowerCase()] = operationOf(route)
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'jiminy dev chat server',
      version,
      description: 'Every error answer is {"error", "code", ...}; the codes are listed in the Error schema (docs/webchat.md).',
    },
    paths,
    components: {
      schemas: {Error: jsonSchemaOf(ErrorBodySchema)},
      securitySchemes: {bearer: {type: 'http', scheme: 'bearer', description: 'only when the server runs with --token'}},
    },
  }
}

function operationOf(route: RouteEntry): JsonObject {
  const names = [...route.path.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]!)
  const parameters = [
    ...names.map((name) => ({name, in: 'path', required: true, schema: {type: 'string'}})),
    ...Object.entries(route.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      description,
      schema: {type: 'string'},
    })),
  ]
  const success = route.kind === 'upgrade' ? '101' : '200'
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(parameters.length > 0 ? {parameters} : {}),
    ...(route.body ? {requestBody: {required: true, content: {'application/json': {schema: jsonSchemaOf(route.body, 'input')}}}} : {}),
    ...(route.kind === 'upgrade' || isApiPath(route.path) ? {security: [{}, {bearer: []}]} : {}),
    responses: {
      [success]: {
        description: route.kind === 'upgrade' ? 'switching to the WebSocket protocol' : 'success',
        ...(route.kind === 'upgrade' ? {} : {content: {[route.produces ?? 'application/json']: {schema: {}}}}),
      },
      default: {description: 'an error', content: {'application/json': {schema: {$ref: '#/components/schemas/Error'}}}},
    },
  }
}

/** A zod schema as an OpenAPI 3.1 schema object (JSON Schema 2020-12, without its `$schema`). */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonObject {
  // `unrepresentable: 'any'`: a custom check (a refinement) is documented as "anything" rather than failing the spec.
  const {$schema: _dialect, ...rest} = z.toJSONSchema(schema, {io, unrepresentable: 'any'}) as JsonObject
  return rest
}
