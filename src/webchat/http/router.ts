import type {IncomingMessage, ServerResponse} from 'node:http'
import {RunInProgressError} from '../../core/index.js'
// The error file alone: importing the Redis bus would load ioredis in memory mode too.
import {BusUnavailableError} from '../../bus/redis/bus-unavailable.js'
import {ConfigError, UnknownProfileError} from '../../engine/index.js'
import {TooManyConversationsError, UnknownConversationError} from '../conversation-manager.js'
import type {ServerContext} from '../server-context.js'
import {HttpError} from './http-error.js'
import {sendJson} from './json-response.js'

export interface RouteContext {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly url: URL
  readonly params: Readonly<Record<string, string>>
  readonly app: ServerContext
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void

interface Route {
  readonly method: string
  readonly pattern: RegExp
  readonly names: readonly string[]
  readonly handler: RouteHandler
}

/** Method + path patterns (`/api/conversations/:id/cancel`) → handlers; errors become JSON answers. */
export class Router {
  private readonly routes: Route[] = []

  on(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = []
    const source = path
      .split('/')
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(part.slice(1))
        return '([^/]+)'
      })
      .join('/')
    this.routes.push({method, pattern: new RegExp(`^${source}$`), names, handler})
    return this
  }

  /** Runs the matching route; false when no path matches (the caller serves static files). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, app: ServerContext): Promise<boolean> {
    const allowed: string[] = []
    for (const route of this.routes) {
      const match = route.pattern.exec(url.pathname)
      if (!match) continue
      if (route.method !== req.method) {
        allowed.push(route.method)
        continue
      }
      const params: Record<string, string> = {}
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)))
        await route.handler({req, res, url, params, app})
      } catch (error) {
        respondWithError(res, error, app)
      }
      return true
    }
    if (allowed.length === 0) return false
    sendJson(
      res,
      405,
      {error: `method ${req.method} not allowed on ${url.pathname}; use ${allowed.join(', ')}`},
      {allow: allowed.join(', ')},
    )
    return true
  }
}

export const RUN_IN_PROGRESS_MESSAGE = 'a run is already in progress in this conversation; wait for it or stop it'

/** The one mapping from errors to HTTP answers. */
export function respondWithError(res: ServerResponse, error: unknown, app: ServerContext): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (error instanceof HttpError) return sendJson(res, error.status, error.body())
  if (error instanceof UnknownConversationError) return sendJson(res, 404, {error: error.message, conv_id: error.convId})
  if (error instanceof TooManyConversationsError)
    return sendJson(res, 503, {error: error.message, code: 'too_many_conversations'}, {'retry-after': '5'})
  if (error instanceof BusUnavailableError) return sendJson(res, 503, {error: error.message, code: error.code}, {'retry-after': '5'})
  if (error instanceof UnknownProfileError) return sendJson(res, 404, {error: error.message, profile: error.slug})
  if (error instanceof ConfigError) return sendJson(res, 422, {error: error.message, field: error.field})
  if (error instanceof RunInProgressError)
    // A short message a page shows as it is (the AI SDK's useChat puts the body in `error.message`); the id is its own field.
    return sendJson(res, 409, {error: RUN_IN_PROGRESS_MESSAGE, code: error.code, inference_id: error.inferenceId, running: true})
  if (error instanceof URIError) return sendJson(res, 400, {error: `bad URL encoding: ${error.message}`})
  app.logger.error({err: error}, 'request failed')
  sendJson(res, 500, {error: 'internal error; see the server log'})
}
