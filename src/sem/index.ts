export * from './frames.js'
export * from './translator.js'
export * from './frame-log.js'
export * from './stream-coordinator.js'
