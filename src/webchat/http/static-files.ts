import {createReadStream, statSync} from 'node:fs'
import type {ServerResponse} from 'node:http'
import {extname, join, resolve, sep} from 'node:path'
import {packageRoot} from '../package-info.js'
import {HttpError} from './http-error.js'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  // web/vendor/ keeps each library's type declarations and LICENSE next to its ES module.
  '.ts': 'text/plain; charset=utf-8',
  '.mts': 'text/plain; charset=utf-8',
}

/** What a file is served as: by extension; extension-less files (LICENSE) are text. */
function contentTypeOf(file: string): string {
  const ext = extname(file).toLowerCase()
  if (ext === '') return 'text/plain; charset=utf-8'
  return CONTENT_TYPES[ext] ?? 'application/octet-stream'
}

/** `web/` of the jiminy package. */
export function defaultWebRoot(): string {
  return join(packageRoot(), 'web')
}

/**
 * Serves a file under `root` for a GET/HEAD path; `/` and folders serve their index.html. Paths that
 * leave the root (`..`, encoded or not), NUL bytes and dot-files are 404 `not_found` (thrown, answered
 * by the one error mapping).
 */
export function serveStatic(root: string, pathname: string, res: ServerResponse, head: boolean): void {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    throw new HttpError('bad_url', `bad URL encoding: ${pathname}`)
  }
  const base = resolve(root)
  const target = resolve(base, '.' + (decoded.endsWith('/') ? decoded + 'index.html' : decoded))
  const inside = target === base || target.startsWith(base + sep)
  const hidden = decoded.split('/').some((part) => part.startsWith('.'))
  let file = target
  let stats = inside && !decoded.includes('\0') && !hidden ? statOrUndefined(file) : undefined
  if (stats?.isDirectory()) {
    file = join(file, 'index.html')
    stats = statOrUndefined(file)
  }
  if (!stats?.isFile()) throw new HttpError('not_found', `not found: ${pathname}`)
  res.writeHead(200, {
    'content-type': contentTypeOf(file),
    'content-length': stats.size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    // The page loads only its own files and talks only to this server (HTTP and WebSocket).
    'content-security-policy': CONTENT_SECURITY_POLICY,
  })
  if (head) return void res.end()
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

function statOrUndefined(path: string) {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}
