import {z} from 'zod'
import {newId} from '../../core/index.js'
import {ConfigError, OverridesSchema, type Overrides} from '../../engine/index.js'
import type {ChatResponse} from '../server-context.js'
import {cookieHeader, PROFILE_COOKIE, readCookies} from './cookies.js'
import {HttpError} from './http-error.js'
import {sendJson} from './json-response.js'
import {readJsonBody} from './read-json-body.js'
import type {RouteContext} from './router.js'

export const CONV_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/

const ChatBodySchema = z.object({
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
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(422, 'body must be a JSON object', {field: ''})
  const body = ChatBodySchema.safeParse(raw)
  if (!body.success) throw ConfigError.fromZod(body.error, '')
  const {prompt, idempotency_key: key} = body.data
  const overrides = parseOverrides(body.data.overrides)
  const fromPath = params.profile
  const profile = fromPath ?? readCookies(req).get(PROFILE_COOKIE) ?? app.manager.builder.config.default_profile
  const headers: Record<string, string> = fromPath ? {'set-cookie': cookieHeader(PROFILE_COOKIE, fromPath)} : {}

  if (key !== undefined) {
    const first = app.idempotency.get(key)
    if (first) {
      sendJson(res, 200, {...(await first), idempotent_replay: true}, headers)
      return
    }
  }
  const answer = startRun(app, body.data.conv_id ?? newId('conv'), profile, overrides, prompt)
  if (key !== undefined) {
    app.idempotency.set(key, answer)
    answer.catch(() => app.idempotency.delete(key))
  }
  sendJson(res, 200, await answer, headers)
}

async function startRun(
  app: RouteContext['app'],
  convId: string,
  profile: string,
  overrides: Overrides,
  prompt: string,
): Promise<ChatResponse> {
  // Multi-instance: claim the conversation first (409 while another instance runs it).
  const claim = await app.runOwnership?.claim(convId)
  let started
  try {
    const {conversation, rebuilt} = await app.manager.getOrCreate(convId, profile, overrides)
    // The seed is the latest snapshot (shared by the instances in Redis mode) + the new user block.
    const base = await app.snapshots.load(convId, conversation.session.snapshot())
    started = {conversation, rebuilt, handle: base ? conversation.startFrom(base, prompt) : conversation.start(prompt)}
  } catch (error) {
    await claim?.release()
    throw error
  }
  const {conversation, rebuilt, handle} = started
  // The claim is held until the run's events reached the bus and its snapshot is saved.
  const saved = handle
    .wait()
    .then((outcome) =>
      app.snapshots
        .save(convId, outcome.turn)
        .catch((error: unknown) => app.logger.error({err: error, conv_id: convId}, 'could not save the conversation snapshot')),
    )
  claim?.started(handle, Promise.all([handle.wait().then(() => conversation.sink.flush()), saved]))
  app.trackRun(conversation, handle)
  return {
    conv_id: convId,
    session_id: convId,
    inference_id: handle.inferenceId,
    run_id: handle.inferenceId,
    profile: conversation.profile,
    signature: conversation.engine.signature.hash,
    rebuilt: rebuilt !== undefined,
  }
}

function parseOverrides(value: unknown): Overrides {
  if (value === undefined || value === null) return {}
  const parsed = OverridesSchema.safeParse(value)
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, 'overrides')
  return parsed.data
}
