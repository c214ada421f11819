import {timingSafeEqual} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import {isIP} from 'node:net'
import {readCookies, TOKEN_COOKIE} from './cookies.js'

export const WS_TOKEN_PROTOCOL_PREFIX = 'jiminy.bearer.'

/**
 * Same-origin rule for browsers: a request without an Origin header (curl, node clients) passes;
 * one with an Origin passes only if it names this server: the Host it was sent to, or
 * localhost / 127.0.0.1 / [::1] on the port the server listens on; or if it is one of the
 * `allowed` origins (`serve --allow-origin`, `allow_origins:`): a front end served from elsewhere,
 * or a proxy that rewrites Host. Everything else is refused.
 */
export function isAllowedOrigin(req: IncomingMessage, serverPort: number, allowed: ReadonlySet<string> = NO_ORIGINS): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (allowed.has(url.origin)) return true
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  if (req.headers.host !== undefined && url.host === req.headers.host) return true
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]'
  return local && port === serverPort
}

const NO_ORIGINS: ReadonlySet<string> = new Set()

/**
 * The DNS-rebinding defence (as Vite and webpack-dev-server have it): a page on `evil.example`
 * whose name is re-pointed at 127.0.0.1 sends `Host: evil.example:PORT` and a matching Origin, so
 * the Origin check alone lets it in. Only these Host names are served: IP literals (a rebinding
 * needs a name), `localhost` and `*.localhost`, and the names given with `--allow-host` /
 * `allow_hosts:` (lowercase, without port); `'any'` turns the check off (`--allow-host all`).
 */
export function isAllowedHost(req: IncomingMessage, allowed: ReadonlySet<string> | 'any'): boolean {
  if (allowed === 'any') return true
  const host = req.headers.host
  if (host === undefined) return true // HTTP/1.0 clients; browsers always send Host
  const name = hostnameOf(host)
  if (name === undefined) return false
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (isIP(name.replace(/^\[|\]$/g, '')) !== 0) return true
  return allowed.has(name)
}

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.toLowerCase()
  } catch {
    return undefined
  }
}

/** `--allow-host` / `allow_hosts:` as isAllowedHost reads them; `all` anywhere allows any Host. */
export function allowedHostSet(names: readonly string[]): ReadonlySet<string> | 'any' {
  if (names.includes('all')) return 'any'
  return new Set(names.map((n) => n.toLowerCase().replace(/:\d+$/, '')))
}

/**
 * The `--allow-origin` / `allow_origins:` list as the set `isAllowedOrigin` reads: each normalized
 * as a browser sends it (lowercase host, default port dropped). Throws `InvalidOriginError` naming
 * the bad entry.
 */
export function allowedOriginSet(origins: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>()
  for (const origin of origins) {
    if (!ORIGIN_SHAPE.test(origin) || !URL.canParse(origin)) throw new InvalidOriginError(origin)
    out.add(new URL(origin).origin)
  }
  return out
}

/** `scheme://host[:port]` (a trailing `/` is tolerated), no user, path, query or fragment. */
const ORIGIN_SHAPE = /^https?:\/\/[^/?#@\s]+\/?$/i

/** An `--allow-origin` value that is not `scheme://host[:port]` (a bad flag: exit 2). */
export class InvalidOriginError extends Error {
  readonly code = 'bad_flag'
  constructor(readonly origin: string) {
    super(`allowed origin ${JSON.stringify(origin)} is not an origin: give scheme://host[:port], e.g. https://chat.example.com (no path)`)
    this.name = 'InvalidOriginError'
  }
}

/**
 * Where a client may put the `--token`: `Authorization: Bearer T` (HTTP and WS), the `jiminy_token`
 * cookie (set by opening `/?token=T`), a `?token=T` query parameter, or a WebSocket subprotocol
 * `jiminy.bearer.T`.
 */
export function presentedTokens(req: IncomingMessage, url: URL): string[] {
  const found: string[] = []
  const auth = req.headers.authorization
  if (auth?.toLowerCase().startsWith('bearer ')) found.push(auth.slice(7).trim())
  const cookie = readCookies(req).get(TOKEN_COOKIE)
  if (cookie) found.push(cookie)
  const query = url.searchParams.get('token')
  if (query) found.push(query)
  for (const p of (req.headers['sec-websocket-protocol'] ?? '').split(',')) {
    const proto = p.trim()
    if (proto.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) found.push(proto.slice(WS_TOKEN_PROTOCOL_PREFIX.length))
  }
  return found
}

export function tokenMatches(expected: string, presented: readonly string[]): boolean {
  const want = Buffer.from(expected)
  return presented.some((t) => {
    const got = Buffer.from(t)
    return got.length === want.length && timingSafeEqual(got, want)
  })
}
