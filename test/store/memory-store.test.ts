import {MemoryConversationStore} from '../../src/store/index.js'
import {conversationStoreContract} from './contract.js'

conversationStoreContract('MemoryConversationStore', (options) => new MemoryConversationStore(options))
