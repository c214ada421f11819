import {formatReplayReport, replayPaths, type FixtureReport, type ReplayPathsOptions} from '../fixtures/index.js'

/**
 * Replays one fixture (its ordering rules and its golden `.sem.jsonl`) and resolves with the report
 * when it passes; otherwise throws an Error whose message is the replay report text (what
 * `jiminy replay` prints). Test-framework agnostic: vitest, jest, node:test all fail on the rejection.
 */
export async function expectFixtureToReplay(path: string, options: Pick<ReplayPathsOptions, 'maxViolations'> = {}): Promise<FixtureReport> {
  const report = await replayPaths([path], options)
  if (report.ok && report.fixtures.length === 1) return report.fixtures[0]!
  const detail = report.fixtures.length > 1 ? `expected one fixture, ${path} names ${report.fixtures.length}\n` : ''
  throw new FixtureReplayError(`fixture ${path} does not replay:\n${detail}${formatReplayReport(report)}`, report.fixtures)
}

export class FixtureReplayError extends Error {
  constructor(
    message: string,
    readonly reports: readonly FixtureReport[],
  ) {
    super(message)
    this.name = 'FixtureReplayError'
  }
}
