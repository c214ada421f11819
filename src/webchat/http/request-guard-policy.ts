import type {IncomingMessage} from 'node:http'
import type {Logger} from '../logger.js'
import {HttpError} from './http-error.js'
import {isAllowedHost, isAllowedOrigin, presentedTokens, tokenMatches} from './request-guard.js'

export interface GuardPolicy {
  /** Host names served (DNS-rebinding defence): `allowedHostSet`. */
  readonly allowedHosts: ReadonlySet<string> | 'any'
  /** Browser origins allowed besides the server's own: `allowedOriginSet`. */
  readonly allowedOrigins: ReadonlySet<string>
  /** The bearer token every API request and WebSocket needs (`--token`). */
  readonly token: string | undefined
  /** The port listened on (the Origin check accepts localhost on it). */
  port(): number
}

/** What is being asked: a plain request, or a WebSocket upgrade (always Origin- and token-checked). */
export type GuardedKind = 'request' | 'upgrade'

/**
 * The one gate in front of every HTTP request and WebSocket upgrade, in this order: the Host is
 * served (DNS rebinding), the Origin is allowed (CSRF; WebSocket upgrades and non-GET requests),
 * the token matches (`/chat`, `/api/*` and `/ws`; the page and `/healthz` are public). Answers the
 * refusal (an HttpError: `host_not_allowed`, `origin_not_allowed`, `unauthorized`) or undefined to
 * go on; the caller sends it the one way its transport has (`sendJson`, `refuseUpgrade`).
 */
export class RequestGuard {
  constructor(
    private readonly policy: GuardPolicy,
    private readonly logger: Logger,
  ) {}

  check(req: IncomingMessage, url: URL, kind: GuardedKind): HttpError | undefined {
    const {policy} = this
    if (!isAllowedHost(req, policy.allowedHosts)) {
      this.logger.warn({host: req.headers.host, kind}, 'refused a Host not served (DNS rebinding?)')
      return new HttpError(
        'host_not_allowed',
        `host ${JSON.stringify(req.headers.host)} is not served (DNS-rebinding defence); add it with --allow-host NAME or allow_hosts: in the config`,
      )
    }
    const changesState = req.method !== 'GET' && req.method !== 'HEAD'
    if ((kind === 'upgrade' || changesState) && !isAllowedOrigin(req, policy.port(), policy.allowedOrigins)) {
      this.logger.warn({origin: req.headers.origin, kind}, 'refused a foreign Origin')
      return new HttpError('origin_not_allowed', `origin ${req.headers.origin} is not allowed; add it with --allow-origin`)
    }
    if (
      policy.token !== undefined &&
      (kind === 'upgrade' || isApiPath(url.pathname)) &&
      !tokenMatches(policy.token, presentedTokens(req, url))
    )
      return new HttpError('unauthorized', 'missing or wrong token: send Authorization: Bearer <token>', {}, {'www-authenticate': 'Bearer'})
    return undefined
  }
}

/** The routes behind the token: everything but the page, `/healthz` and `/openapi.json`. */
export function isApiPath(pathname: string): boolean {
  return pathname === '/chat' || pathname.startsWith('/chat/') || pathname.startsWith('/api/')
}
