export * from './types.js'
export {MemoryBus} from './memory.js'
export {compareStreamIds} from './stream-id.js'
