// The conversation layer (DESIGN §1): the one wiring of a conversation, used by serve, record, rerun, runOnce and /testing.
export * from './bus-sink.js'
export * from './conversation.js'
export * from './conversation-view.js'
export * from './hooks.js'
export * from './rebuild-record.js'
export * from './run-event-log.js'
export * from './run-once.js'
export * from './wiring.js'
