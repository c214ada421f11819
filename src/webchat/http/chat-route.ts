import {z} from 'zod'
import {newId} from '../../core/index.js'
import {OverridesSchema, type Overrides} from '../../engine/index.js'
import type {StartedRun} from '../conversation-manager.js'
import type {ChatResponse} from '../server-context.js'
import {cookieHeader, PROFILE_COOKIE} from './cookies.js'
import {RequestValidationError} from './request-validation-error.js'
import {requestProfile} from './request-profile.js'
import {sendJson} from './json-response.js'
import {readJsonBody} from './read-json-body.js'
import type {RouteContext} from './router.js'

export const CONV_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/

export const ChatBodySchema = z.object({
  prompt: z.string().min(1, 'prompt must not be empty').max(100_000),
  conv_id: z.string().regex(CONV_ID_PATTERN, 'conv_id must be 1-128 characters of [A-Za-z0-9_.:-]').optional(),
  overrides: z.unknown().optional(),
  idempotency_key: z.string().min(1).max(200).optional(),
})

/**
 * `POST /chat` and `POST /chat/{profile}`: starts a run. Profile from the path, else the
 * `chat_profile` cookie, else the config's default. A repeated `idempotency_key` gets the first
 * answer back (even while that first request is still being handled) instead of a second run.
 */
export async function chatRoute({req, res, params, app}: RouteContext): Promise<void> {
  const raw = await readJsonBody(req, app.bodyLimitBytes)
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RequestValidationError('body must be a JSON object', '')
  const body = ChatBodySchema.safeParse(raw)
  if (!body.success) throw RequestValidationError.fromZod(body.error)
  const {prompt, idempotency_key: key} = body.data
  const overrides = parseOverrides(body.data.overrides)
  const fromPath = params.profile
  const profile = requestProfile(req, app, fromPath)
  const headers: Record<string, string> = fromPath ? {'set-cookie': cookieHeader(PROFILE_COOKIE, fromPath)} : {}

  const convId = body.data.conv_id
  // Keys are scoped to their conversation: the same key on another conversation is another request.
  const scopedKey = key === undefined ? undefined : `${convId ?? ''}\u0000${key}`
  if (scopedKey !== undefined) {
    const first = app.idempotency.get(scopedKey)
    if (first) {
      sendJson(res, 200, {...(await first), idempotent_replay: true}, headers)
      return
    }
  }
  const answer = app.manager
    .startRun(convId ?? newId('conv'), profile, overrides, prompt, key !== undefined ? {idempotencyKey: key} : {})
    .then(chatResponse)
  if (scopedKey !== undefined) {
    app.idempotency.set(scopedKey, answer)
    answer.catch(() => app.idempotency.delete(scopedKey))
  }
  sendJson(res, 200, await answer, headers)
}

function parseOverrides(value: unknown): Overrides {
  if (value === undefined || value === null) return {}
  const parsed = OverridesSchema.safeParse(value)
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error, 'overrides')
  return parsed.data
}

function chatResponse({conversation, handle, rebuilt}: StartedRun): ChatResponse {
  return {
    conv_id: conversation.id,
    session_id: conversation.id,
    inference_id: handle.inferenceId,
    run_id: handle.inferenceId,
    profile: conversation.profile,
    signature: conversation.engine.signature.hash,
    rebuilt: rebuilt !== undefined,
  }
}
