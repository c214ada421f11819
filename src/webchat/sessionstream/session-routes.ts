import {randomUUID} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import {RunInProgressError} from '../../core/index.js'
import {CreateSessionRequestSchema, SubmitMessageRequestSchema, type SubmitMessageResponse} from '../../sem/sessionstream/wire/index.js'
import {CONV_ID_PATTERN} from '../http/chat-route.js'
import {HttpError} from '../http/http-error.js'
import {requestProfile} from '../http/request-profile.js'
import {RequestValidationError} from '../http/request-validation-error.js'
import {sendJson} from '../http/json-response.js'
import {readJsonBody} from '../http/read-json-body.js'
import type {RouteContext, RouteHandler} from '../http/router.js'
import {IdempotencyCache} from '../idempotency-cache.js'
import type {SessionStreamHub} from './session-stream-hub.js'

/** A session id from the path, checked like every conversation id. */
export function sessionIdOf(params: RouteContext['params']): string {
  const id = params.id ?? ''
  if (!CONV_ID_PATTERN.test(id)) throw new HttpError('bad_session_id', 'session id must be 1-128 characters of [A-Za-z0-9_.:-]')
  return id
}

/** A JSON body, or `{}` for an empty one (Go's `json.Decoder` treats EOF as "no fields", and pinocchio's client may send none). */
export async function readOptionalJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (
    req.headers['content-length'] === '0' ||
    (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
  )
    return {}
  return readJsonBody(req, limit)
}

/** `POST /api/chat/sessions {profile?}` → `{sessionId, profile}`: a fresh id; the conversation starts with its first message. */
export async function createSessionRoute({req, res, app}: RouteContext): Promise<void> {
  const parsed = CreateSessionRequestSchema.safeParse(await readOptionalJsonBody(req, app.bodyLimitBytes))
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
  const profile = requestProfile(req, app, parsed.data.profile?.trim())
  app.manager.builder.profile(profile) // UnknownProfileError (404) for a profile the config lacks
  sendJson(res, 200, {sessionId: randomUUID(), profile})
}

/** `GET /api/chat/sessions/{id}`: the timeline snapshot (pinocchio's SessionSnapshotResponse). */
export function snapshotRoute(hub: SessionStreamHub): RouteHandler {
  return async ({res, params}) => {
    const sessionId = sessionIdOf(params)
    const stream = await hub.ready(sessionId)
    sendJson(res, 200, stream.timeline.snapshotBody(sessionId, stream.status()))
  }
}

/**
 * `POST /api/chat/sessions/{id}/messages {prompt, profile?, idempotencyKey?}` → `{sessionId,
 * accepted, status: "running", profile}`: starts a run on the conversation (the same one SEM and
 * the AI SDK stream serve). Empty prompt 400; a run in progress 409 `run_in_progress`; a repeated
 * idempotency key gets the first answer.
 */
export function submitMessageRoute(idempotency = new IdempotencyCache<Promise<SubmitMessageResponse>>()): RouteHandler {
  return async ({req, res, params, app}) => {
    const sessionId = sessionIdOf(params)
    const parsed = SubmitMessageRequestSchema.safeParse(await readJsonBody(req, app.bodyLimitBytes))
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
    const {prompt = '', idempotencyKey} = parsed.data
    if (prompt.trim() === '') throw new HttpError('empty_prompt', 'missing prompt', {field: 'prompt'})
    if ((parsed.data.attachments?.length ?? 0) > 0)
      throw new HttpError('attachments_unsupported', 'attachments are not supported by jiminy; send the prompt text only', {
        field: 'attachments',
      })
    const key = idempotencyKey ? `${sessionId}\u0000${idempotencyKey}` : undefined
    const first = key !== undefined ? idempotency.get(key) : undefined
    if (first) return sendJson(res, 200, await first)
    // A session keeps its profile unless the message names another (pinocchio's rule); else the request's.
    const sessionProfile = app.manager.get(sessionId)?.profile ?? (await app.manager.store.get(sessionId).catch(() => undefined))?.profile
    const profile = requestProfile(req, app, parsed.data.profile?.trim() || sessionProfile)
    const answer = app.manager
      .startRun(sessionId, profile, {}, prompt, idempotencyKey ? {idempotencyKey} : {})
      .then(({conversation}): SubmitMessageResponse => ({sessionId, accepted: true, status: 'running', profile: conversation.profile}))
      .catch((error: unknown) => {
        if (error instanceof RunInProgressError)
          throw new HttpError('run_in_progress', `a run is in progress on session ${sessionId}; stop it or wait`, {
            inference_id: error.inferenceId,
            running: true,
          })
        throw error
      })
    if (key !== undefined) {
      idempotency.set(key, answer)
      answer.catch(() => idempotency.delete(key))
    }
    sendJson(res, 200, await answer)
  }
}

/** `POST /api/chat/sessions/{id}/stop` → `{sessionId, accepted, status}`: cancels the run (here or on the instance running it). */
export async function stopRoute({res, params, app}: RouteContext): Promise<void> {
  const sessionId = sessionIdOf(params)
  const {inferenceId} = await app.manager.cancel(sessionId).catch(() => ({inferenceId: null}))
  sendJson(res, 200, {sessionId, accepted: inferenceId !== null, status: inferenceId !== null ? 'stopping' : 'idle'})
}

/** `GET /app-config.js`: pinocchio's runtime config script (the page is served at the root). */
export function appConfigRoute({res}: RouteContext): void {
  const body = `window.__PINOCCHIO_WEBCHAT_CONFIG__ = ${JSON.stringify({basePrefix: ''})};\n`
  res.writeHead(200, {
    'content-type': 'application/javascript; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}
