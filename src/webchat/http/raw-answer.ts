import type {Duplex} from 'node:stream'
import {redactString} from '../../core/index.js'
import type {HttpError} from './http-error.js'

/**
 * Answers an HttpError on a bare socket and closes it: a refused WebSocket upgrade (as `ws` has one
 * `abortHandshake`), a header block over Node's limit, a connection over the cap. The body is the one
 * error body (`{error, code, ...}`), so a client reads every refusal the same way.
 */
export function answerOnSocket(socket: Duplex, error: HttpError): void {
  if (!socket.writable) return void socket.destroy()
  const body = redactString(JSON.stringify(error.body()))
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    connection: 'close',
    ...error.headers,
  }
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
  socket.end(`HTTP/1.1 ${error.status} ${error.statusText}\r\n${head}\r\n${body}`)
}
