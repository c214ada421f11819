import {chatRoute} from './chat-route.js'
import {
  cancelRoute,
  deleteConversationRoute,
  getConversationRoute,
  listConversationsRoute,
  renameConversationRoute,
  snapshotRoute,
  stepRoute,
} from './conversation-routes.js'
import {saveFixtureRoute} from './fixture-route.js'
import {currentProfileRoute, listProfilesRoute, setProfileRoute} from './profile-routes.js'
import {Router} from './router.js'
import {uiChatRoute, uiChatStreamRoute, uiChatMessagesRoute} from '../ui-message-stream/routes.js'

/** Every HTTP route of the server (the WebSocket is `/ws`, the page is everything else under `/`). */
export function buildRoutes(): Router {
  return new Router()
    .on('POST', '/chat', chatRoute)
    .on('POST', '/chat/:profile', chatRoute)
    .on('GET', '/api/conversations', listConversationsRoute)
    .on('GET', '/api/conversations/:id', getConversationRoute)
    .on('DELETE', '/api/conversations/:id', deleteConversationRoute)
    .on('PATCH', '/api/conversations/:id', renameConversationRoute)
    .on('GET', '/api/conversations/:id/snapshot', snapshotRoute)
    .on('POST', '/api/conversations/:id/cancel', cancelRoute)
    .on('POST', '/api/conversations/:id/step', stepRoute)
    .on('POST', '/api/conversations/:id/fixture', saveFixtureRoute)
    .on('GET', '/api/chat/profiles', listProfilesRoute)
    .on('GET', '/api/chat/profile', currentProfileRoute)
    .on('POST', '/api/chat/profile', setProfileRoute)
    .on('POST', '/api/chat', uiChatRoute)
    .on('GET', '/api/chat/:id/stream', uiChatStreamRoute)
    .on('GET', '/api/chat/:id/messages', uiChatMessagesRoute)
}
