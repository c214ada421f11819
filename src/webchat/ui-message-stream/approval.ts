import type {ExecutionHandle, StepAction} from '../../core/index.js'
import type {Conversation} from '../conversation.js'
import type {ConversationManager} from '../conversation-manager.js'
import {HttpError} from '../http/http-error.js'
import type {ApprovalResponse} from './chat-request.js'
import {approvalIdOf} from './translator.js'

/** An approval answered: the run it resumed and the pause it answered. */
export interface AnsweredApproval {
  readonly conversation: Conversation
  readonly handle: ExecutionHandle
  readonly pauseId: string
  readonly action: StepAction
}

/**
 * Answers the run's `after_inference` pause from the SDK's approval responses: every call approved
 * → `continue`, any call denied → `deny` (jiminy decides per pause, not per call, and never runs
 * a call the user refused). 409 when nothing waits for approval or the responses are for another
 * pause. An approved round has no after-tools checkpoint in the SDK, so the `after_tools` pause
 * that follows it is continued too (SEM clients see both pauses and both answers).
 */
export async function answerApprovals(
  manager: ConversationManager,
  convId: string,
  approvals: readonly ApprovalResponse[],
): Promise<AnsweredApproval> {
  const conversation = manager.require(convId)
  const handle = conversation.running()
  const pause = conversation.pendingPause()
  if (!handle || pause?.phase !== 'after_inference') {
    throw new HttpError('stale_pause', `conversation ${convId} has no tool call waiting for approval`, {
      current_pause_id: pause?.pauseId ?? null,
    })
  }
  const ours = approvals.filter((a) => pause.toolCalls.some((call) => approvalIdOf(pause.pauseId, call.id) === a.approvalId))
  if (ours.length === 0) {
    throw new HttpError('stale_pause', `the approval responses are for another pause; the run waits at ${pause.pauseId}`, {
      current_pause_id: pause.pauseId,
    })
  }
  const action: StepAction = ours.every((a) => a.approved) ? 'continue' : 'deny'
  const stop = action === 'continue' ? continueAfterTools(manager, conversation, handle, pause.pauseId) : () => undefined
  const result = await manager.step(convId, pause.pauseId, action)
  if (!result.ok) {
    stop()
    throw new HttpError('stale_pause', result.message, {current_pause_id: result.currentPauseId ?? null})
  }
  return {conversation, handle, pauseId: pause.pauseId, action}
}

/** Continues the next `after_tools` pause of this run (the tools the user just approved ran). */
function continueAfterTools(manager: ConversationManager, conversation: Conversation, handle: ExecutionHandle, after: string): () => void {
  let answered = false
  const stop = conversation.runEvents.subscribe(({event}) => {
    if (answered || event.meta.inference_id !== handle.inferenceId) return
    if (event.type === 'run-finished') return stop()
    if (event.type !== 'step-paused' || event.pause_id === after) return
    answered = true
    stop()
    if (event.phase === 'after_tools') void manager.step(conversation.id, event.pause_id, 'continue')
  })
  void handle.wait().then(stop)
  return stop
}
