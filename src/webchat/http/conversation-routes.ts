import {z} from 'zod'
import {STEP_ACTIONS} from '../../core/index.js'
import {UnknownConversationError} from '../conversation-errors.js'
import {HttpError} from './http-error.js'
import {RequestValidationError} from './request-validation-error.js'
import {sendJson} from './json-response.js'
import {readJsonBody} from './read-json-body.js'
import type {RouteContext} from './router.js'

/** `GET /api/conversations`: every stored or live conversation, most recently active first. */
export async function listConversationsRoute({res, app}: RouteContext): Promise<void> {
  sendJson(res, 200, {conversations: await app.manager.listAll()})
}

/** `DELETE /api/conversations/{id}`: forgets the conversation (409 while it runs, 404 when unknown). */
export async function deleteConversationRoute({res, params, app}: RouteContext): Promise<void> {
  const id = params.id!
  if (!(await app.manager.remove(id))) throw new UnknownConversationError(id)
  sendJson(res, 200, {conv_id: id, deleted: true})
}

export const RenameBodySchema = z.object({title: z.string().trim().min(1, 'title must not be empty').max(200)}).strict()

/** `PATCH /api/conversations/{id}` `{title}`: renames a stored conversation. */
export async function renameConversationRoute({req, res, params, app}: RouteContext): Promise<void> {
  const id = params.id!
  const parsed = RenameBodySchema.safeParse(await readJsonBody(req, app.bodyLimitBytes))
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
  if (!(await app.manager.rename(id, parsed.data.title))) throw new UnknownConversationError(id)
  sendJson(res, 200, {conv_id: id, title: parsed.data.title})
}

/**
 * `GET /api/conversations/{id}`: config, signature, run state, rebuilds, pending pause, snapshot turn.
 * Multi-instance: a run held by another instance shows as `running: true` with its `inference_id` and
 * `run_instance`; an instance that has never opened the conversation answers with just that.
 */
export async function getConversationRoute({res, params, app}: RouteContext): Promise<void> {
  const view = await app.manager.view(params.id!)
  if (view.kind === 'stored') return sendJson(res, 200, view.stored)
  if (view.kind === 'remote') {
    return sendJson(res, 200, {
      conv_id: params.id,
      running: true,
      inference_id: view.remote.inferenceId,
      run_instance: view.remote.instance,
      here: false,
    })
  }
  const remote = view.remote ? {running: true, inference_id: view.remote.inferenceId, run_instance: view.remote.instance} : {}
  sendJson(res, 200, {...view.detail, ...remote})
}

/**
 * `GET /api/conversations/{id}/snapshot`: the turn the next run continues from — in Redis mode the
 * one shared by the instances (whichever ran last), else this instance's Session snapshot.
 */
export async function snapshotRoute({res, params, app}: RouteContext): Promise<void> {
  const id = params.id!
  const snapshot = await app.manager.snapshot(id)
  if (!snapshot) throw new UnknownConversationError(id)
  sendJson(res, 200, {conv_id: id, store: snapshot.store, blocks: snapshot.turn.blocks.length, turn: snapshot.turn})
}

/** `POST /api/conversations/{id}/cancel`: cancels the running inference (a no-op answer when none runs). */
export async function cancelRoute({res, params, app}: RouteContext): Promise<void> {
  const {inferenceId} = await app.manager.cancel(params.id!)
  sendJson(res, 200, {conv_id: params.id, cancelled: inferenceId !== null, inference_id: inferenceId})
}

export const StepBodySchema = z.object({pause_id: z.string().min(1), action: z.enum(STEP_ACTIONS)})

/** `POST /api/conversations/{id}/step` `{pause_id, action}`: answers a step-mode pause; 409 for a stale pause. */
export async function stepRoute({req, res, params, app}: RouteContext): Promise<void> {
  const id = params.id!
  const parsed = StepBodySchema.safeParse(await readJsonBody(req, app.bodyLimitBytes))
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
  const {pause_id, action} = parsed.data
  const result = await app.manager.step(id, pause_id, action)
  if (!result.ok) throw new HttpError('stale_pause', result.message, {current_pause_id: result.currentPauseId ?? null})
  sendJson(res, 200, {conv_id: id, pause_id, action})
}
