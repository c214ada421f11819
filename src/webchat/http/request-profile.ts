import type {IncomingMessage} from 'node:http'
import type {ServerContext} from '../server-context.js'
import {PROFILE_COOKIE, readCookies} from './cookies.js'

/**
 * The profile a request runs with, decided here only (`POST /chat`, `POST /api/chat`, `GET /ws`,
 * `GET /api/chat/profile`): the one the request names (path, query, body) when it names one, else
 * the browser's `chat_profile` cookie, else the config's default. An empty value (`?profile=`,
 * `chat_profile=`) names none. The name is not checked here: an unknown one (`__proto__` too) is the
 * builder's 404 `unknown_profile`.
 */
export function requestProfile(req: IncomingMessage, app: Pick<ServerContext, 'manager'>, named?: string | null): string {
  if (named) return named
  const cookie = readCookies(req).get(PROFILE_COOKIE)
  return cookie ? cookie : app.manager.builder.config.default_profile
}
