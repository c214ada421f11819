export * from './transport.js'
export * from './session-stream-hub.js'
