import {RunInProgressError} from '../../core/index.js'
// The error file alone: importing the Redis bus would load ioredis in memory mode too.
import {BusUnavailableError} from '../../bus/redis/bus-unavailable.js'
import {ConfigError, UnknownProfileError} from '../../engine/index.js'
import {FixtureTooLongError, NothingRecordedError} from '../../fixtures/conversation-recording.js'
import {TooManyConversationsError, UnknownConversationError} from '../conversation-errors.js'
import {HttpError} from './http-error.js'

export const RUN_IN_PROGRESS_MESSAGE = 'a run is already in progress in this conversation; wait for it or stop it'

const RETRY_SOON = {'retry-after': '5'}

/**
 * The one mapping from what a request can fail with to what the client is told: HTTP answers
 * (`respondWithError`), refused WebSocket upgrades and `ws.error` frames all go through it, so a
 * failure has the same `code` on every transport. Undefined for an unexpected error (a bug): the
 * caller logs it and answers `internalError()`, never the error's own message.
 */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error
  if (error instanceof UnknownConversationError) return new HttpError('unknown_conversation', error.message, {conv_id: error.convId})
  if (error instanceof UnknownProfileError) return new HttpError('unknown_profile', error.message, {profile: error.slug})
  // The config file was valid when loaded (a reload keeps the last good one), so a ConfigError while
  // serving is about what the request asked for (its profile's overrides): a bad request, 422.
  if (error instanceof ConfigError) return new HttpError('invalid_request', error.message, {field: error.field})
  if (error instanceof RunInProgressError)
    // A short message a page shows as it is (the AI SDK's useChat puts the body in `error.message`); the id is its own field.
    return new HttpError('run_in_progress', RUN_IN_PROGRESS_MESSAGE, {inference_id: error.inferenceId, running: true})
  if (error instanceof TooManyConversationsError) return new HttpError('too_many_conversations', error.message, {}, RETRY_SOON)
  if (error instanceof BusUnavailableError) return new HttpError('bus_unavailable', error.message, {}, RETRY_SOON)
  if (error instanceof NothingRecordedError) return new HttpError('nothing_recorded', error.message, {conv_id: error.convId})
  if (error instanceof FixtureTooLongError) return new HttpError('fixture_too_long', error.message, {conv_id: error.convId})
  if (error instanceof URIError) return new HttpError('bad_url', `bad URL encoding: ${error.message}`)
  return undefined
}

/** What an unexpected failure is answered with: nothing of the error itself (it is in the server log). */
export function internalError(message = 'internal error; see the server log'): HttpError {
  return new HttpError('internal', message)
}
