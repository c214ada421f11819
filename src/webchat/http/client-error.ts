import {HttpError} from './http-error.js'

/** What a request Node's parser refused is answered with; undefined when the client is gone (nothing to answer). */
export function clientErrorAnswer(error: NodeJS.ErrnoException): HttpError | undefined {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError('headers_too_large', 'the request line and headers are over the limit (16 KiB)')
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError('request_timeout', 'the request took too long to arrive; send it again')
    default:
      return new HttpError('bad_http', `not a valid HTTP request: ${error.message}`)
  }
}
