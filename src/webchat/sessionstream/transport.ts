import type WebSocket from 'ws'
import type {ConversationManager, ConversationManagerEvents} from '../conversation-manager.js'
import type {Router} from '../http/router.js'
import type {Logger} from '../logger.js'
import type {ConversationStore} from '../../store/index.js'
import {exportRoute} from './export-routes.js'
import {SessionStreamHub} from './session-stream-hub.js'
import {appConfigRoute, createSessionRoute, snapshotRoute, stopRoute, submitMessageRoute} from './session-routes.js'
import {serveSessionStreamSocket} from './socket-session.js'
import {FrontendToolManifests, toolManifestRoute, toolResultRoute} from './tool-routes.js'

/** The WebSocket path of pinocchio's sessionstream transport. */
export const SESSIONSTREAM_WS_PATH = '/api/chat/ws'

export interface SessionStreamTransportOptions {
  readonly store: ConversationStore
  readonly logger: Logger
  /** The manager, once built (the hub is made before it, for its hooks). */
  readonly manager: () => ConversationManager
  readonly maxBufferedBytes: number
}

/**
 * Transport 3, pinocchio's sessionstream, on the same conversations as SEM and the AI SDK stream:
 * the manager hooks that feed it, its routes and its WebSocket endpoint. What `startServer` wires.
 */
export class SessionStreamTransport {
  readonly hub: SessionStreamHub
  private readonly manifests = new FrontendToolManifests()

  constructor(private readonly options: SessionStreamTransportOptions) {
    this.hub = new SessionStreamHub({
      store: options.store,
      logger: options.logger,
      join: (sessionId) => {
        const manager = options.manager()
        return manager.join(sessionId, manager.builder.config.default_profile)
      },
    })
  }

  /** The manager hooks: every conversation made live is followed; an evicted one with subscribers comes back. */
  hooks(next: ConversationManagerEvents = {}): ConversationManagerEvents {
    return {
      ...next,
      created: (c) => {
        this.hub.attach(c)
        next.created?.(c)
      },
      evicted: (id) => {
        next.evicted?.(id)
        this.hub.evicted(id)
      },
    }
  }

  /** Adds the session routes (pinocchio's cmd/web-chat appserver) to the route table. */
  routes(router: Router): Router {
    const hub = this.hub
    return router
      .on('POST', '/api/chat/sessions', createSessionRoute)
      .on('GET', '/api/chat/sessions/:id', snapshotRoute(hub))
      .on('POST', '/api/chat/sessions/:id/messages', submitMessageRoute())
      .on('GET', '/api/chat/sessions/:id/timeline', exportRoute(hub, 'timeline'))
      .on('GET', '/api/chat/sessions/:id/turns', exportRoute(hub, 'turns'))
      .on('GET', '/api/chat/sessions/:id/export', exportRoute(hub, 'export'))
      .on('POST', '/api/chat/sessions/:id/stop', stopRoute)
      .on('POST', '/api/chat/sessions/:id/tools/manifest', toolManifestRoute(this.manifests))
      .on('POST', '/api/chat/sessions/:id/tools/results', toolResultRoute())
      .on('GET', '/app-config.js', appConfigRoute)
  }

  /** The `/api/chat/ws` endpoint for the WebSocket gateway (which checked Host, Origin and token). */
  endpoint(): [string, (ws: WebSocket) => void] {
    return [
      SESSIONSTREAM_WS_PATH,
      (ws) => serveSessionStreamSocket(ws, {hub: this.hub, logger: this.options.logger, maxBufferedBytes: this.options.maxBufferedBytes}),
    ]
  }
}
