import type {IncomingMessage} from 'node:http'

export const PROFILE_COOKIE = 'chat_profile'
export const TOKEN_COOKIE = 'jiminy_token'

export function readCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    const raw = part.slice(eq + 1).trim()
    try {
      out.set(name, decodeURIComponent(raw))
    } catch {
      out.set(name, raw)
    }
  }
  return out
}

export function cookieHeader(
  name: string,
  value: string,
  options: {httpOnly?: boolean; sameSite?: 'Strict' | 'Lax'; maxAgeS?: number} = {},
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', `SameSite=${options.sameSite ?? 'Lax'}`]
  if (options.httpOnly) parts.push('HttpOnly')
  if (options.maxAgeS !== undefined) parts.push(`Max-Age=${options.maxAgeS}`)
  return parts.join('; ')
}
