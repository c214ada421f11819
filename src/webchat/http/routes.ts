import type {z} from 'zod'
import {UIChatBodySchema} from '../ui-message-stream/chat-request.js'
import {uiChatMessagesRoute, uiChatRoute, uiChatStreamRoute} from '../ui-message-stream/routes.js'
import {ChatBodySchema, chatRoute} from './chat-route.js'
import {
  cancelRoute,
  deleteConversationRoute,
  getConversationRoute,
  listConversationsRoute,
  renameConversationRoute,
  RenameBodySchema,
  snapshotRoute,
  stepRoute,
  StepBodySchema,
} from './conversation-routes.js'
import {saveFixtureRoute} from './fixture-route.js'
import {healthRoute} from './health-route.js'
import {sendJson} from './json-response.js'
import {openApiDocument} from './openapi.js'
import {packageVersion} from '../package-info.js'
import {currentProfileRoute, listProfilesRoute, SetProfileBodySchema, setProfileRoute} from './profile-routes.js'
import {Router, type RouteHandler} from './router.js'

/** What `/openapi.json` says of a route besides its method and path. */
interface RouteDoc {
  readonly summary: string
  /** The zod schema of the JSON request body (the one the handler parses with). */
  readonly body?: z.ZodType
  /** Query parameters: name → description. */
  readonly query?: Readonly<Record<string, string>>
  /** The success answer's content type when it is not JSON. */
  readonly produces?: 'text/event-stream' | 'application/x-ndjson' | 'text/html'
}

/**
 * One row per route: `handled` rows are served by the router; `upgrade` (`/ws`) and `static` (the
 * page) rows are served by the gateway and the file server, listed so the spec has every route.
 * Adding a route is adding a row here: the router and `/openapi.json` both read this table.
 */
export type RouteEntry = RouteDoc &
  (
    | {
        readonly kind: 'handled'
        readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
        readonly path: string
        readonly handler: RouteHandler
      }
    | {readonly kind: 'upgrade' | 'static'; readonly method: 'GET'; readonly path: string}
  )

const handled = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, handler: RouteHandler, doc: RouteDoc): RouteEntry => ({
  kind: 'handled',
  method,
  path,
  handler,
  ...doc,
})

const RESUME_QUERY = {
  conv_id: 'the conversation to join (1-128 characters of [A-Za-z0-9_.:-])',
  profile: 'the profile of a new conversation (else the chat_profile cookie, else the default)',
  after_seq: 'resume: every frame after this seq',
  after_stream_id: 'resume (Redis mode): every frame after this stream entry; not with after_seq',
}

export const ROUTES: readonly RouteEntry[] = [
  handled('POST', '/chat', chatRoute, {summary: 'Start a run (SEM frames on /ws)', body: ChatBodySchema}),
  handled('POST', '/chat/:profile', chatRoute, {
    summary: 'Start a run with this profile (sets the chat_profile cookie)',
    body: ChatBodySchema,
  }),
  handled('GET', '/api/conversations', listConversationsRoute, {summary: 'Every stored or live conversation, most recent first'}),
  handled('GET', '/api/conversations/:id', getConversationRoute, {summary: 'Config, signature, run state, rebuilds, pending pause, turn'}),
  handled('DELETE', '/api/conversations/:id', deleteConversationRoute, {summary: 'Forget a conversation (409 while it runs)'}),
  handled('PATCH', '/api/conversations/:id', renameConversationRoute, {summary: 'Rename a conversation', body: RenameBodySchema}),
  handled('GET', '/api/conversations/:id/snapshot', snapshotRoute, {summary: 'The turn the next run continues from'}),
  handled('POST', '/api/conversations/:id/cancel', cancelRoute, {summary: 'Cancel the running inference'}),
  handled('POST', '/api/conversations/:id/step', stepRoute, {summary: 'Answer a step-mode pause', body: StepBodySchema}),
  handled('POST', '/api/conversations/:id/fixture', saveFixtureRoute, {
    summary: 'Save the conversation so far as a fixture (?download=1: answer the JSONL instead)',
    query: {download: 'answer the fixture JSONL instead of writing a file'},
  }),
  handled('GET', '/api/chat/profiles', listProfilesRoute, {summary: 'The profiles of the config'}),
  handled('GET', '/api/chat/profile', currentProfileRoute, {summary: "This browser's profile (chat_profile cookie)"}),
  handled('POST', '/api/chat/profile', setProfileRoute, {summary: 'Set the chat_profile cookie', body: SetProfileBodySchema}),
  handled('POST', '/api/chat', uiChatRoute, {
    summary: 'AI SDK DefaultChatTransport: a run as a UI Message Stream (SSE)',
    body: UIChatBodySchema,
    produces: 'text/event-stream',
  }),
  handled('GET', '/api/chat/:id/stream', uiChatStreamRoute, {
    summary: 'Resume the running answer as a UI Message Stream (204 when nothing runs)',
    produces: 'text/event-stream',
  }),
  handled('GET', '/api/chat/:id/messages', uiChatMessagesRoute, {
    summary: "The conversation as UIMessage[] (useChat's messages after a reload; [] for a new id)",
  }),
  handled('GET', '/healthz', healthRoute, {summary: 'Liveness: {ok, version, bus, store}; 503 when the bus is unreachable'}),
  handled('GET', '/openapi.json', ({res}) => sendJson(res, 200, openApiDocument(ROUTES, packageVersion())), {summary: 'This document'}),
  {kind: 'upgrade', method: 'GET', path: '/ws', summary: 'WebSocket of SEM frames (upgrade)', query: RESUME_QUERY},
  {kind: 'static', method: 'GET', path: '/', summary: 'The web chat page (files of web/)', produces: 'text/html'},
]

/** The router of every `handled` row (the WebSocket is `/ws`, the page is everything else under `/`). */
export function buildRoutes(routes: readonly RouteEntry[] = ROUTES): Router {
  const router = new Router()
  for (const route of routes) if (route.kind === 'handled') router.on(route.method, route.path, route.handler)
  return router
}
