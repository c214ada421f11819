export * from './types.js'
export {MemoryBus} from './memory.js'
