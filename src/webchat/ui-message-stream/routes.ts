import type {ExecutionHandle} from '../../core/index.js'
import type {Conversation} from '../conversation.js'
import {HttpError} from '../http/http-error.js'
import {sendJson} from '../http/json-response.js'
import {RequestValidationError} from '../http/request-validation-error.js'
import {readJsonBody} from '../http/read-json-body.js'
import {requestProfile} from '../http/request-profile.js'
import type {RouteContext} from '../http/router.js'
import {answerApprovals} from './approval.js'
import {parseUIChatRequest} from './chat-request.js'
import {sendRunAsUIMessageStream, type StreamedRun} from './ui-message-stream.js'
import {uiMessagesOf} from './ui-messages.js'

/**
 * `POST /api/chat` (AI SDK `DefaultChatTransport`): a new user message starts a run on conversation
 * `id` (409 while one runs); an assistant message with tool approval responses answers the run's
 * step pause. Either way the answer is the run as a UI Message Stream. Errors before the stream
 * are JSON like every route's; closing the connection never cancels the run.
 */
export async function uiChatRoute({req, res, url, app}: RouteContext): Promise<void> {
  const cancelOnAbort = cancelOnAbortQuery(url)
  const request = parseUIChatRequest(await readJsonBody(req, app.bodyLimitBytes))
  if (request.kind === 'approval') {
    const {conversation, handle, pauseId} = await answerApprovals(app.manager, request.convId, request.approvals)
    send(res, conversation, handle, {afterPause: pauseId, cancelOnAbort: cancelOnAbort ?? profileCancelsOnAbort(app, conversation.profile)})
    return
  }
  const profile = requestProfile(req, app, request.profile)
  const {conversation, handle} = await app.manager.startRun(request.convId, profile, request.overrides, request.prompt)
  send(res, conversation, handle, {cancelOnAbort: cancelOnAbort ?? profileCancelsOnAbort(app, conversation.profile)})
}

/**
 * `?cancel_on_abort=1|0`: whether closing the response (the AI SDK's `stop()`) cancels the run;
 * undefined when absent (the profile's `cancel_on_abort` decides). Off by default: a dropped
 * connection never cancels a run (DESIGN §3), and `resume` picks the answer up again.
 */
function cancelOnAbortQuery(url: URL): boolean | undefined {
  const value = url.searchParams.get('cancel_on_abort')
  if (value === null) return undefined
  if (value === '1' || value === 'true') return true
  if (value === '0' || value === 'false') return false
  throw new RequestValidationError(`must be 1, 0, true or false, not ${JSON.stringify(value.slice(0, 40))}`, 'cancel_on_abort')
}

function profileCancelsOnAbort(app: RouteContext['app'], profile: string): boolean {
  return app.manager.builder.config.profiles[profile]?.cancel_on_abort ?? false
}

/**
 * `GET /api/chat/{id}/stream` (the transport's `reconnectToStream`): the running answer replayed
 * from its start, then live (`resumeStreamIsReplay`); 204 when nothing runs here.
 */
export function uiChatStreamRoute({res, url, params, app}: RouteContext): void {
  const cancelOnAbort = cancelOnAbortQuery(url)
  const conversation = app.manager.get(params.id!)
  const handle = conversation?.running()
  if (!conversation || !handle) {
    res.writeHead(204, {'cache-control': 'no-store'})
    res.end()
    return
  }
  send(res, conversation, handle, {cancelOnAbort: cancelOnAbort ?? profileCancelsOnAbort(app, conversation.profile)})
}

/**
 * `GET /api/chat/{id}/messages`: the conversation's history as `UIMessage[]` (what `useChat` takes
 * as `messages` after a reload); `[]` for a conversation that does not exist yet (a new chat id).
 */
export async function uiChatMessagesRoute({res, params, app}: RouteContext): Promise<void> {
  const snapshot = await app.manager.snapshot(params.id!)
  sendJson(res, 200, snapshot ? uiMessagesOf(snapshot.turn) : [], {'cache-control': 'no-store'})
}

interface SendOptions {
  readonly afterPause?: string
  readonly cancelOnAbort?: boolean
}

function send(res: RouteContext['res'], conversation: Conversation, handle: ExecutionHandle, options: SendOptions = {}): void {
  const {afterPause, cancelOnAbort = false} = options
  const run: StreamedRun = {
    convId: conversation.id,
    inferenceId: handle.inferenceId,
    runEvents: conversation.runEvents,
    settled: handle.wait().then(async (outcome) => {
      await conversation.flush()
      return outcome
    }),
  }
  const streamOptions = {
    ...(afterPause !== undefined ? {afterPause} : {}),
    ...(cancelOnAbort ? {onAbandoned: () => handle.cancel()} : {}),
  }
  if (!sendRunAsUIMessageStream(res, run, streamOptions)) {
    throw new HttpError('resume_log_outgrown', `run ${handle.inferenceId} outgrew the replay log; follow it on the SEM WebSocket`, {
      inference_id: handle.inferenceId,
    })
  }
}
