export {startCassetteRecorder} from './cassette-recorder.js'
export {startCassetteReplay} from './cassette-replay.js'
export type {CassetteHandle} from './cassette-handle.js'
export {CassetteEntrySchema, type CassetteEntry} from './cassette-format.js'
