import type {IncomingMessage} from 'node:http'
import {HttpError} from './http-error.js'

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024

/**
 * Reads a JSON request body of at most `limit` bytes. 413 when larger (checked against
 * content-length first, then while reading), 415 for a non-JSON content type, 400 for bad JSON.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type']
  // `application/json`, `application/x+json` or `text/plain` (what fetch sends for a string body), with
  // parameters; not look-alikes such as `application/json-seq`.
  if (type !== undefined && !/^(application\/([\w.-]+\+)?json|text\/plain)\s*(;|$)/i.test(type)) {
    req.resume()
    throw new HttpError('unsupported_media_type', `content-type must be application/json, got ${type}`)
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    throw new HttpError('body_too_large', `request body is ${declared} bytes; the limit is ${limit}`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) {
      req.resume()
      throw new HttpError('body_too_large', `request body is over the limit of ${limit} bytes`)
    }
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new HttpError('bad_json', 'request body is empty; expected a JSON object')
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new HttpError('bad_json', `malformed JSON body: ${(error as Error).message}`)
  }
}
