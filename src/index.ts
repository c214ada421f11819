// The library entry of jiminy-harness (docs/api.md). Re-exports only: every name here is defined in its layer.

// Server (webchat)
export {startServer, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_LIMITS} from './webchat/index.js'
export type {RunningServer, ServerLimits, ServerOptions} from './webchat/index.js'

// Engine: config file, profiles, signatures, one-shot runs
export {runOnce} from './conversation/index.js'
export type {RunOnceOptions, RunOnceResult} from './conversation/index.js'
export {
  loadConfig,
  parseConfigText,
  loadEngineBuilder,
  EngineBuilder,
  signatureOf,
  explainConfigDiff,
  renderConfigDiff,
  ConfigError,
  UnknownProfileError,
  ConfigFileSchema,
  ProfileSchema,
  EngineConfigSchema,
} from './engine/index.js'
export type {ConfigDiff, ConfigFile, EngineConfig, LoadedConfig, LoadEngineBuilderOptions, Profile, Signature} from './engine/index.js'
export type {RunOutcome, RunStatus} from './core/index.js'

// Fixtures: record and replay
export {replayPaths, replayFixture, formatReplayReport, FixtureLineSchema, parseFixtureLine} from './fixtures/index.js'
export type {
  FixtureLine,
  FixtureReport,
  ReplayFixtureOptions,
  ReplayPathsOptions,
  ReplayProgress,
  ReplayReport,
  Violation,
} from './fixtures/index.js'
export {recordTo} from './fixtures/record-to.js'
export {
  rerunRecording,
  rerunPaths,
  formatRerunReport,
  formatJunitReport,
  formatGithubAnnotations,
  RecordingInputsSchema,
} from './fixtures/index.js'
export type {
  RecordingInputs,
  RecordedRun,
  RerunOptions,
  RerunReport,
  RerunPathsOptions,
  RerunPathsReport,
  RerunViolation,
} from './fixtures/index.js'
export type {FixtureRecorder, RecordToOptions} from './fixtures/record-to.js'

// Provider cassettes
export {startCassetteRecorder, startCassetteReplay, CassetteEntrySchema} from './providers/cassette/index.js'
export type {CassetteEntry, CassetteHandle} from './providers/cassette/index.js'

// Bus (for recordTo and custom servers)
export {MemoryBus, chatTopic} from './bus/index.js'
export type {Bus, BusMessage, Publisher, Subscriber} from './bus/index.js'

// Plugins: definePlugin and the types a plugin author touches (also the `jiminy-harness/plugin` entry)
export * from './plugins/plugin-entry.js'
