import {formatRerunReport, rerunPaths, type RerunOptions, type RerunReport} from '../fixtures/index.js'

/**
 * Reruns one recording (its inputs through today's engine, the provider answered from its
 * cassette) and resolves with the report when its frames match the golden; otherwise throws a
 * RerunMismatchError whose message is what `jiminy replay --rerun` prints (the first differing
 * frame, the config diff). Framework agnostic: vitest, jest and node:test all fail on the rejection.
 *
 * ```ts
 * it('the support bot still answers the same', () => expectRerunToMatch('fixtures/support.jsonl'))
 * ```
 */
export async function expectRerunToMatch(path: string, options: Omit<RerunOptions, 'update'> = {}): Promise<RerunReport> {
  const report = await rerunPaths([path], options)
  const only = report.fixtures[0]
  if (report.ok && report.fixtures.length === 1 && only) return only
  const detail = report.fixtures.length > 1 ? `expected one recording, ${path} names ${report.fixtures.length}\n` : ''
  throw new RerunMismatchError(`recording ${path} does not rerun to its golden:\n${detail}${formatRerunReport(report)}`, report.fixtures)
}

export class RerunMismatchError extends Error {
  constructor(
    message: string,
    readonly reports: readonly RerunReport[],
  ) {
    super(message)
    this.name = 'RerunMismatchError'
  }
}
