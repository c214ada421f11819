import {Args, Flags} from '@oclif/core'
import cliProgress from 'cli-progress'
import {EXIT_FAILED} from '../cli/command-error.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
import {formatReplayReport, replayPaths, type ReplayProgress, type ReplayReport} from '../fixtures/index.js'

export default class Replay extends JiminyCommand {
  static override summary = 'Replay event fixtures through the StreamCoordinator and check their ordering.'
  static override description = `Each fixture (JSONL, one bus message a line) goes through the same StreamCoordinator and SEM translator as \`jiminy serve\`. Every frame is checked against the ordering rules (seq, stream ids, message and tool-call order, nothing after a terminal frame) and compared with the golden .sem.jsonl beside the fixture when there is one.
PATH may be a file, a folder (walked for *.jsonl) or a quoted glob. Exit code 0 only if every fixture passes, 1 when one fails or a PATH matches nothing while others ran, 2 when no PATH matches a fixture.`
  static override examples = [
    '<%= config.bin %> replay fixtures/',
    '<%= config.bin %> replay "fixtures/**/*.jsonl" --json',
    '<%= config.bin %> replay fixtures/tool-loop.jsonl --update',
  ]
  static override strict = false

  static override args = {path: Args.string({required: true, description: 'fixture file, folder or glob (several allowed)'})}

  static override flags = {
    update: Flags.boolean({description: 'rewrite the golden .sem.jsonl of every fixture that passes the ordering rules'}),
    'max-violations': Flags.integer({min: 1, default: 20, description: 'violations listed per fixture'}),
  }

  async run(): Promise<ReplayReport> {
    const {argv, flags} = await this.parse(Replay)
    const json = this.jsonEnabled()
    const bar = !json && process.stderr.isTTY ? new ProgressBar() : undefined
    let report: ReplayReport
    try {
      report = await replayPaths(argv as string[], {
        update: flags.update,
        maxViolations: flags['max-violations'],
        ...(bar ? {onProgress: (p: ReplayProgress) => bar.update(p)} : {}),
      })
    } finally {
      bar?.stop()
    }
    if (report.fixtures.length === 0) {
      const missing = report.missing.length > 0 ? report.missing.join(', ') : (argv as string[]).join(', ')
      this.fail('not_found', `no fixture found at ${missing}`, {field: 'path'})
    }
    if (!json) process.stdout.write(formatReplayReport(report))
    if (!report.ok) process.exitCode = EXIT_FAILED
    return report
  }
}

/** A byte-based bar on stderr, redrawn at most every 0.5% of the total. */
class ProgressBar {
  private readonly bar = new cliProgress.SingleBar(
    {stream: process.stderr, format: 'replay [{bar}] {percentage}% | {fixtures} | {name}', hideCursor: true, clearOnComplete: true},
    cliProgress.Presets.shades_classic,
  )
  private started = false
  private shown = 0

  update(p: ReplayProgress): void {
    if (!this.started) {
      this.bar.start(Math.max(p.bytesTotal, 1), 0, {fixtures: '', name: ''})
      this.started = true
    }
    if (p.bytesDone - this.shown < p.bytesTotal / 200 && p.bytesDone < p.bytesTotal) return
    this.shown = p.bytesDone
    this.bar.update(Math.min(p.bytesDone, p.bytesTotal), {fixtures: `${p.fixturesDone}/${p.fixturesTotal}`, name: p.fixture})
  }

  stop(): void {
    if (this.started) this.bar.stop()
  }
}
