import {redactString} from '../../core/index.js'
import type {ServerResponse} from 'node:http'

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  // Any answer (a turn, a conversation) may quote a model that echoed a key.
  const text = redactString(JSON.stringify(body))
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    // A JSON answer is never to be sniffed into HTML or script by a browser.
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  res.end(text)
}
