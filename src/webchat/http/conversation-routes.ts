import {z} from 'zod'
import {STEP_ACTIONS} from '../../core/index.js'
import type {Conversation} from '../conversation.js'
import {ConfigError} from '../../engine/index.js'
import {HttpError} from './http-error.js'
import {sendJson} from './json-response.js'
import {readJsonBody} from './read-json-body.js'
import type {RouteContext} from './router.js'

function conversationOf({params, app}: RouteContext): Conversation {
  const conversation = app.manager.get(params.id!)
  if (!conversation) throw new HttpError(404, `no conversation ${JSON.stringify(params.id)} (never started, or evicted after being idle)`)
  return conversation
}

/** `GET /api/conversations`: every live conversation, most recently active first. */
export function listConversationsRoute({res, app}: RouteContext): void {
  sendJson(res, 200, {conversations: app.manager.list().map((c) => c.describe())})
}

/**
 * `GET /api/conversations/{id}`: config, signature, run state, rebuilds, pending pause, snapshot turn.
 * Multi-instance: a run held by another instance shows as `running: true` with its `inference_id` and
 * `run_instance`; an instance that has never opened the conversation answers with just that.
 */
export async function getConversationRoute(ctx: RouteContext): Promise<void> {
  const id = ctx.params.id!
  const local = ctx.app.manager.get(id)
  const remote = local?.running() ? undefined : await remoteRun(ctx, id)
  if (!local && remote)
    return sendJson(ctx.res, 200, {
      conv_id: id,
      running: true,
      inference_id: remote.inferenceId,
      run_instance: remote.instance,
      here: false,
    })
  const detail = conversationOf(ctx).detail()
  sendJson(ctx.res, 200, remote ? {...detail, running: true, inference_id: remote.inferenceId, run_instance: remote.instance} : detail)
}

/**
 * `GET /api/conversations/{id}/snapshot`: the turn the next run continues from — in Redis mode the
 * one shared by the instances (whichever ran last), else this instance's Session snapshot.
 */
export async function snapshotRoute(ctx: RouteContext): Promise<void> {
  const id = ctx.params.id!
  const turn = await ctx.app.snapshots.load(id, ctx.app.manager.get(id)?.session.snapshot())
  if (!turn) throw new HttpError(404, `no conversation ${JSON.stringify(id)} (never started, or evicted after being idle)`)
  sendJson(ctx.res, 200, {conv_id: id, store: ctx.app.snapshots.kind, blocks: turn.blocks.length, turn})
}

/** The run another instance holds, if any; unknown (undefined) while Redis cannot be asked. */
async function remoteRun(ctx: RouteContext, id: string) {
  try {
    return await ctx.app.runOwnership?.runningElsewhere(id)
  } catch (error) {
    ctx.app.logger.warn({err: error, conv_id: id}, "could not read the run lock; answering with this instance's view")
    return undefined
  }
}

/** `POST /api/conversations/{id}/cancel`: cancels the running inference (a no-op answer when none runs). */
export async function cancelRoute(ctx: RouteContext): Promise<void> {
  // Multi-instance: a run on another instance is cancelled there.
  const id = ctx.params.id!
  if (!ctx.app.manager.get(id)?.running() && ctx.app.runOwnership) {
    const remote = await ctx.app.runOwnership.cancelElsewhere(id)
    if (remote) return sendJson(ctx.res, 200, {conv_id: id, cancelled: true, inference_id: remote.inferenceId})
  }
  const conversation = conversationOf(ctx)
  const run = conversation.running()
  if (run) run.cancel()
  sendJson(ctx.res, 200, {conv_id: conversation.id, cancelled: run !== undefined, inference_id: run?.inferenceId ?? null})
}

const StepBodySchema = z.object({pause_id: z.string().min(1), action: z.enum(STEP_ACTIONS)})

/** `POST /api/conversations/{id}/step` `{pause_id, action}`: answers a step-mode pause; 409 for a stale pause. */
export async function stepRoute(ctx: RouteContext): Promise<void> {
  // Multi-instance: a pause of a run on another instance is answered there.
  const forward = !ctx.app.manager.get(ctx.params.id!)?.running() && ctx.app.runOwnership !== undefined
  const conversation = forward ? undefined : conversationOf(ctx)
  const parsed = StepBodySchema.safeParse(await readJsonBody(ctx.req, ctx.app.bodyLimitBytes))
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, '')
  const {pause_id, action} = parsed.data
  const remote = forward ? await ctx.app.runOwnership?.stepElsewhere(ctx.params.id!, pause_id, action) : undefined
  if (remote?.ok) return sendJson(ctx.res, 200, {conv_id: ctx.params.id!, pause_id, action})
  const result = remote ?? (conversation ?? conversationOf(ctx)).engine.built.step.decide(pause_id, action)
  if (!result.ok) throw new HttpError(409, result.message, {current_pause_id: result.currentPauseId ?? null})
  sendJson(ctx.res, 200, {conv_id: ctx.params.id!, pause_id, action})
}
