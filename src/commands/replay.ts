import {writeFile} from 'node:fs/promises'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {createRequire} from 'node:module'
import type CliProgress from 'cli-progress'
import {EXIT_FAILED} from '../cli/command-error.js'
import {redactString} from '../core/redact.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
// The fixture modules replay needs, not the fixtures barrel: the rerun modules pull in the engine,
// every plugin and the bus, and load only under --rerun (below).
import {FIXTURE_FORMATS, type FixtureFormat} from '../fixtures/foreign/foreign-format.js'
import {formatReplayReport} from '../fixtures/replay-report-text.js'
import {replayPaths, type ReplayProgress, type ReplayReport} from '../fixtures/replay-paths.js'
import {formatGithubAnnotations} from '../fixtures/report-github.js'
import {formatJunitReport} from '../fixtures/report-junit.js'
import {formatRerunReport} from '../fixtures/rerun-report-text.js'
import type {RerunPathsReport} from '../fixtures/rerun-paths.js'

const REPORTERS = ['text', 'json', 'junit', 'github'] as const

export default class Replay extends JiminyCommand {
  static override summary = 'Replay event fixtures through the StreamCoordinator and check their ordering.'
  static override description = `Each fixture (JSONL, one bus message a line) goes through the same StreamCoordinator and SEM translator as \`jiminy serve\`. Every frame is checked against the ordering rules (seq, stream ids, message and tool-call order, nothing after a terminal frame) and compared with the golden .sem.jsonl beside the fixture when there is one.
Streams from other backends are read too, detected from their first line (or --format): pinocchio RpcLine JSONL (--rpc, --debug-events-jsonl), geppetto canonical events and January events, AI SDK UI Message Streams, and recordings written by \`jiminy record --from\`; each is checked with its protocol's rules (docs/fixtures.md).
PATH may be a file, a folder (walked for *.jsonl) or a quoted glob. Exit code 0 only if every fixture passes, 1 when one fails or a PATH matches nothing while others ran, 2 when no PATH matches a fixture.`
  static override examples = [
    '<%= config.bin %> replay fixtures/',
    '<%= config.bin %> replay "fixtures/**/*.jsonl" --json',
    '<%= config.bin %> replay fixtures/tool-loop.jsonl --update',
    '<%= config.bin %> replay /tmp/pinocchio-events.jsonl',
    '<%= config.bin %> replay --rerun fixtures/ --reporter github',
    '<%= config.bin %> replay --rerun fixtures/ --live-tools',
    '<%= config.bin %> replay --rerun fixtures/ --reporter junit --output replay-junit.xml',
  ]
  static override strict = false

  static override args = {path: Args.string({required: true, description: 'fixture file, folder or glob (several allowed)'})}

  static override flags = {
    update: Flags.boolean({description: 'rewrite the golden .sem.jsonl of every fixture that passes the ordering rules'}),
    'max-violations': Flags.integer({min: 1, default: 20, description: 'violations listed per fixture'}),
    rerun: Flags.boolean({
      description:
        "run each recording's inputs again through today's engine, plugins and tool loop, the provider and the tools' HTTP answered from its cassette (offline), and compare the frames with its golden; --update accepts the new frames",
    }),
    'live-tools': Flags.boolean({
      dependsOn: ['rerun'],
      description:
        "with --rerun: HTTP requests of tools, tool executors and plugins go to the network instead of the recording's tool exchanges",
    }),
    config: Flags.string({
      char: 'c',
      env: 'JIMINY_CONFIG',
      description: "config file today's engine is built from with --rerun (default: ./jiminy.yaml if present)",
    }),
    reporter: Flags.string({
      options: [...REPORTERS],
      default: 'text',
      description: 'text, json (= --json), junit (JUnit XML, to --output or stdout) or github (workflow annotations, then the text report)',
    }),
    output: Flags.string({char: 'o', description: 'file the junit report is written to (the text report then goes to stdout)'}),
    'require-golden': Flags.boolean({
      description:
        'fail every fixture that has no golden .sem.jsonl beside it (CI: a fixture whose golden was never recorded or was deleted)',
    }),
    bail: Flags.boolean({description: 'stop after the first fixture that fails'}),
    filter: Flags.string({description: 'only fixtures whose path contains this text'}),
    format: Flags.string({
      options: [...FIXTURE_FORMATS],
      description:
        'read every fixture as this format instead of detecting it from its first line: jiminy, geppetto-january (raw geppetto events), canonical (geppetto canonical events), rpcline (pinocchio --rpc / --debug-events-jsonl), ai-sdk (UI Message Stream), recording (jiminy record --from)',
    }),
  }

  async run(): Promise<ReplayReport | RerunPathsReport> {
    const {argv, flags} = await this.parse(Replay)
    const json = this.jsonEnabled() || flags.reporter === 'json'
    const common = {...(flags.filter !== undefined ? {filter: flags.filter} : {}), bail: flags.bail}
    if (flags.rerun) {
      const {rerunPaths} = await import('../fixtures/rerun-paths.js')
      const report = await rerunPaths(argv as string[], {
        update: flags.update,
        liveTools: flags['live-tools'],
        maxViolations: flags['max-violations'],
        ...common,
        ...(flags.config !== undefined ? {configPath: flags.config} : {}),
      })
      if (report.fixtures.length === 0) {
        const missing = report.missing.length > 0 ? report.missing.join(', ') : (argv as string[]).join(', ')
        this.fail('not_found', `no fixture found at ${missing}`, {field: 'path'})
      }
      await this.print(report, flags.reporter, flags.output, json, formatRerunReport(report))
      if (!report.ok) process.exitCode = EXIT_FAILED
      return report
    }
    const bar = !json && flags.reporter === 'text' && process.stderr.isTTY ? new ProgressBar() : undefined
    let report: ReplayReport
    try {
      report = await replayPaths(argv as string[], {
        update: flags.update,
        maxViolations: flags['max-violations'],
        requireGolden: flags['require-golden'],
        ...common,
        ...(flags.format !== undefined ? {format: flags.format as FixtureFormat} : {}),
        ...(bar ? {onProgress: (p: ReplayProgress) => bar.update(p)} : {}),
      })
    } finally {
      bar?.stop()
    }
    if (report.fixtures.length === 0) {
      const missing = report.missing.length > 0 ? report.missing.join(', ') : (argv as string[]).join(', ')
      this.fail('not_found', `no fixture found at ${missing}`, {field: 'path'})
    }
    await this.print({...report, mode: 'replay'}, flags.reporter, flags.output, json, formatReplayReport(report))
    if (!report.ok) process.exitCode = EXIT_FAILED
    return report
  }

  /** Text (default), JUnit XML (to --output, else stdout) or GitHub annotations; `--json` prints through oclif. */
  private async print(
    report: (ReplayReport & {mode: 'replay'}) | RerunPathsReport,
    reporter: string,
    output: string | undefined,
    json: boolean,
    text: string,
  ): Promise<void> {
    // Reports quote fixture lines: whatever looks like a key (or is one this process knows) is redacted.
    if (reporter === 'junit') {
      const xml = redactString(formatJunitReport(report))
      if (output === undefined) return void process.stdout.write(xml)
      await writeFile(output, xml, 'utf8')
    } else if (reporter === 'github') {
      process.stdout.write(redactString(formatGithubAnnotations(report)))
    } else if (output !== undefined) {
      await writeFile(output, redactString(json ? `${JSON.stringify(report, null, 2)}\n` : text), 'utf8')
    }
    if (reporter === 'json' && !this.jsonEnabled()) this.logJson(report)
    else if (!json) process.stdout.write(redactString(text))
  }
}

/** A byte-based bar on stderr, redrawn at most every 0.5% of the total. */
class ProgressBar {
  // cli-progress loads only when a bar is drawn (a TTY), not on every replay start-up.
  private readonly bar: CliProgress.SingleBar = (() => {
    const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress
    return new cliProgress.SingleBar(
      {stream: process.stderr, format: 'replay [{bar}] {percentage}% | {fixtures} | {name}', hideCursor: true, clearOnComplete: true},
      cliProgress.Presets.shades_classic,
    )
  })()
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
