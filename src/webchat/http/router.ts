import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Logger} from '../logger.js'
import type {ServerContext} from '../server-context.js'
import {toHttpError, internalError} from './error-mapping.js'
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

/** Method + path patterns (`/api/conversations/:id/cancel`) → handlers; a thrown error is answered by `respondWithError`. */
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
        respondWithError(res, error, app.logger)
      }
      return true
    }
    if (allowed.length === 0) return false
    const list = allowed.join(', ')
    respondWithError(
      res,
      new HttpError('method_not_allowed', `method ${req.method} not allowed on ${url.pathname}; use ${list}`, {}, {allow: list}),
      app.logger,
    )
    return true
  }
}

/** Every HTTP error answer: the one mapping (`toHttpError`), an unexpected error logged and answered 500 `internal`. */
export function respondWithError(res: ServerResponse, error: unknown, logger: Logger): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  let answer = toHttpError(error)
  if (answer === undefined) {
    logger.error({err: error}, 'request failed')
    answer = internalError()
  }
  sendJson(res, answer.status, answer.body(), answer.headers)
}
