import type {Conversation} from '../conversation/index.js'
import type {ConnectionPool} from './connection-pool.js'

/** A conversation of the server: the one wiring, with its sockets (a ConnectionPool) as the audience of its frames. */
export type LiveConversation = Conversation<ConnectionPool>
