import {HttpError} from './http-error.js'
import {sendJson} from './json-response.js'
import type {RouteContext} from './router.js'

/** What `GET /healthz` answers: the server is up, and whether its bus can take events. */
export interface Health {
  readonly ok: boolean
  readonly version: string
  readonly bus: {readonly kind: 'memory' | 'redis'; readonly ready: boolean}
  readonly store: {readonly kind: 'memory' | 'sqlite' | 'redis'}
}

/**
 * `GET /healthz`: `{ok, version, bus, store}`, 200 while the bus takes events, 503 `bus_unavailable`
 * (the same fields plus `error` and `code`) while Redis is away, so a load balancer or a script can
 * poll it. Public like the page (no token, no Origin check): it tells kinds and the version, no more.
 */
export function healthRoute({res, app}: RouteContext): void {
  const health = app.health()
  if (!health.ok) throw new HttpError('bus_unavailable', 'the bus is not connected; runs cannot start', {...health}, {'retry-after': '5'})
  sendJson(res, 200, health)
}
