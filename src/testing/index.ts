// The `jiminy-harness/testing` entry for vitest/jest suites (docs/api.md). Re-exports only.
export {startTestServer, TEST_PROFILES_YAML} from './test-server.js'
export type {TestServer, TestServerOptions} from './test-server.js'
export {connectSem, SemClient} from './sem-client.js'
export type {ConnectSemOptions, SemEvent} from './sem-client.js'
export {expectFixtureToReplay, FixtureReplayError} from './expect-fixture.js'
export {expectRerunToMatch, RerunMismatchError} from './expect-rerun.js'
