export * from './types.js'
export {MemoryBus} from './memory.js'
export {compareStreamIds, STREAM_ID} from './stream-id.js'
export * from './run-ownership.js'
