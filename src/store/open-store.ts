import type {ConversationStore} from './conversation-store.js'
import {MemoryConversationStore} from './memory-store.js'
import {SqliteConversationStore, type SqliteStoreOptions} from './sqlite/sqlite-store.js'
import {StoreOpenError} from './store-open-error.js'

export interface OpenConversationStoreOptions extends SqliteStoreOptions {
  /**
   * True when the user named the store (`--store PATH`, `store:` in jiminy.yaml): then a bad file
   * is an error. False for the default path in the data dir: then jiminy still starts, on the
   * memory store, and says loudly that nothing will be kept.
   */
  readonly explicit: boolean
}

/** `memory`, or the path of a SQLite file. */
export function openConversationStore(spec: string, options: OpenConversationStoreOptions): ConversationStore {
  if (spec === 'memory') return new MemoryConversationStore(options)
  try {
    return SqliteConversationStore.open(spec, {...options, createDirectory: options.createDirectory ?? !options.explicit})
  } catch (error) {
    if (options.explicit || !StoreOpenError.isInstance(error)) throw error
    options.onWarning?.({
      code: 'store_fallback_memory',
      file: error.file,
      message: `${error.message}. Conversations will NOT outlive this process: using the memory store (pass --store PATH or --store memory to choose)`,
    })
    return new MemoryConversationStore(options)
  }
}
