import {STEP_ACTIONS, type StepAction} from '../../core/index.js'
import {STEP_DECISION_TOOL} from '../../sem/sessionstream/index.js'
import {
  FrontendToolManifestCommandSchema,
  FrontendToolResultCommandSchema,
  type FrontendToolDescriptor,
} from '../../sem/sessionstream/wire/index.js'
import {HttpError} from '../http/http-error.js'
import {RequestValidationError} from '../http/request-validation-error.js'
import {sendJson} from '../http/json-response.js'
import {readJsonBody} from '../http/read-json-body.js'
import type {RouteHandler} from '../http/router.js'
import {sessionIdOf} from './session-routes.js'

/** Tools a browser advertised per session (at most this many sessions are remembered). */
const MAX_MANIFESTS = 1000

/** The latest manifest each session's browser posted. */
export class FrontendToolManifests {
  private readonly bySession = new Map<string, {revision: string; tools: FrontendToolDescriptor[]}>()

  set(sessionId: string, revision: string, tools: FrontendToolDescriptor[]): void {
    this.bySession.delete(sessionId)
    this.bySession.set(sessionId, {revision, tools})
    if (this.bySession.size > MAX_MANIFESTS) this.bySession.delete(this.bySession.keys().next().value!)
  }

  get(sessionId: string): {revision: string; tools: FrontendToolDescriptor[]} | undefined {
    return this.bySession.get(sessionId)
  }
}

/** `POST /api/chat/sessions/{id}/tools/manifest {tools, revision}` → `{accepted, revision}`. */
export function toolManifestRoute(manifests: FrontendToolManifests): RouteHandler {
  return async ({req, res, params, app}) => {
    const sessionId = sessionIdOf(params)
    const raw = await readJsonBody(req, app.bodyLimitBytes)
    // pinocchio's handler takes `revision` as a JSON number; protojson sends it as a string.
    const body =
      typeof raw === 'object' && raw !== null && typeof (raw as {revision?: unknown}).revision === 'number'
        ? {...raw, revision: String((raw as {revision: number}).revision)}
        : raw
    const parsed = FrontendToolManifestCommandSchema.safeParse(body)
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
    const tools = (parsed.data.tools ?? []).filter((t) => (t.name ?? '').trim() !== '')
    const revision = parsed.data.revision ?? '0'
    manifests.set(sessionId, revision, tools)
    sendJson(res, 200, {accepted: true, revision: Number(revision)})
  }
}

/**
 * `POST /api/chat/sessions/{id}/tools/results {toolCallId, toolName, result, status, error}` →
 * `{accepted, status}`. A result for a step pause (tool `jiminy.step_decision`, toolCallId = the
 * pause id, `result.action` continue | skip | deny) decides the pause through the conversation,
 * here or on the instance running it; 409 `stale_pause` when that pause is no longer pending.
 */
export function toolResultRoute(): RouteHandler {
  return async ({req, res, params, app}) => {
    const sessionId = sessionIdOf(params)
    const parsed = FrontendToolResultCommandSchema.safeParse(await readJsonBody(req, app.bodyLimitBytes))
    if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
    const {toolCallId = '', toolName = '', result = {}, error = ''} = parsed.data
    if (toolCallId === '') throw new RequestValidationError('toolCallId is required', 'toolCallId')
    const pending = app.manager.get(sessionId)?.pendingPause()
    if (toolName !== STEP_DECISION_TOOL && pending?.pauseId !== toolCallId)
      throw new HttpError('unknown_tool_call', `no frontend tool call ${toolCallId} is waiting on session ${sessionId}`)
    const action = error !== '' ? 'deny' : actionOf(result.action)
    const decided = await app.manager.step(sessionId, toolCallId, action)
    if (!decided.ok) throw new HttpError('stale_pause', `pause ${toolCallId} is not pending`, {...decided})
    sendJson(res, 200, {accepted: true, status: 'success'})
  }
}

function actionOf(value: unknown): StepAction {
  if (value === undefined) return 'continue'
  if (typeof value === 'string' && (STEP_ACTIONS as readonly string[]).includes(value)) return value as StepAction
  throw new RequestValidationError(`must be one of ${STEP_ACTIONS.join(', ')}`, 'result.action')
}
