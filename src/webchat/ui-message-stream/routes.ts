import type {ExecutionHandle} from '../../core/index.js'
import type {LiveConversation} from '../live-conversation.js'
import {PROFILE_COOKIE, readCookies} from '../http/cookies.js'
import {HttpError} from '../http/http-error.js'
import {readJsonBody} from '../http/read-json-body.js'
import type {RouteContext} from '../http/router.js'
import {answerApprovals} from './approval.js'
import {parseUIChatRequest} from './chat-request.js'
import {sendRunAsUIMessageStream, type StreamedRun} from './ui-message-stream.js'

/**
 * `POST /api/chat` (AI SDK `DefaultChatTransport`): a new user message starts a run on conversation
 * `id` (409 while one runs); an assistant message with tool approval responses answers the run's
 * step pause. Either way the answer is the run as a UI Message Stream. Errors before the stream
 * are JSON like every route's; closing the connection never cancels the run.
 */
export async function uiChatRoute({req, res, app}: RouteContext): Promise<void> {
  const request = parseUIChatRequest(await readJsonBody(req, app.bodyLimitBytes))
  if (request.kind === 'approval') {
    const {conversation, handle, pauseId} = await answerApprovals(app.manager, request.convId, request.approvals)
    send(res, conversation, handle, pauseId)
    return
  }
  const profile = request.profile ?? readCookies(req).get(PROFILE_COOKIE) ?? app.manager.builder.config.default_profile
  const {conversation, handle} = await app.manager.startRun(request.convId, profile, request.overrides, request.prompt)
  send(res, conversation, handle)
}

/**
 * `GET /api/chat/{id}/stream` (the transport's `reconnectToStream`): the running answer replayed
 * from its start, then live (`resumeStreamIsReplay`); 204 when nothing runs here.
 */
export function uiChatStreamRoute({res, params, app}: RouteContext): void {
  const conversation = app.manager.get(params.id!)
  const handle = conversation?.running()
  if (!conversation || !handle) {
    res.writeHead(204, {'cache-control': 'no-store'})
    res.end()
    return
  }
  send(res, conversation, handle)
}

function send(res: RouteContext['res'], conversation: LiveConversation, handle: ExecutionHandle, afterPause?: string): void {
  const run: StreamedRun = {
    convId: conversation.id,
    inferenceId: handle.inferenceId,
    runEvents: conversation.runEvents,
    settled: handle.wait().then(async (outcome) => {
      await conversation.flush()
      return outcome
    }),
  }
  if (!sendRunAsUIMessageStream(res, run, afterPause !== undefined ? {afterPause} : {})) {
    throw new HttpError(409, `run ${handle.inferenceId} outgrew the replay log; follow it on the SEM WebSocket`, {
      inference_id: handle.inferenceId,
    })
  }
}
