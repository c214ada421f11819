import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {conversationSourceFlags, openConversationSource} from '../../cli/conversation-source.js'
import {JiminyCommand} from '../../cli/jiminy-command.js'
import {safeFileStem} from '../../fixtures/conversation-recording.js'
import {goldenPathOf} from '../../fixtures/golden-file.js'
import {replayFixture} from '../../fixtures/replay-fixture.js'
import {fixtureOfStoredFrames, fixtureText} from '../../fixtures/stored-frames-fixture.js'

export interface ExportResult {
  readonly conv_id: string
  readonly fixture: string
  readonly golden: string
  readonly lines: number
  readonly frames: number
  /** `jiminy replay` of what was written: passed, or the first violation. */
  readonly replay: {readonly status: string; readonly violation_count: number; readonly first?: string}
}

export default class ConversationsExport extends JiminyCommand {
  static override summary = 'Export a stored conversation as a replayable fixture and its golden .sem.jsonl.'
  static override description = `The store keeps the SEM frames a conversation streamed. Each frame group is turned back into the bus
event that makes it ({stream_id?, seq, topic, payload} lines), and the stored frames are the golden,
so \`jiminy replay FILE\` checks the ordering rules and that the frames come out as stored. The export
replays what it wrote and reports it (exit 1 when that replay fails).`
  static override examples = [
    '<%= config.bin %> conversations export conv-1 --out fixtures/conv-1.jsonl && <%= config.bin %> replay fixtures/conv-1.jsonl',
  ]

  static override args = {id: Args.string({required: true, description: 'conversation id'})}
  static override flags = {
    ...conversationSourceFlags,
    out: Flags.string({char: 'o', description: 'fixture file to write (default: ./{id}.jsonl); the golden goes beside it (.sem.jsonl)'}),
  }

  async run(): Promise<ExportResult> {
    const {args, flags} = await this.parse(ConversationsExport)
    const source = openConversationSource({...flags, dataDir: this.config.dataDir})
    let frames: string[]
    try {
      frames = await source.frames(args.id)
    } finally {
      await source.close()
    }
    const fixture = resolve(flags.out ?? `${safeFileStem(args.id)}.jsonl`)
    if (!fixture.endsWith('.jsonl') || fixture.endsWith('.sem.jsonl'))
      this.fail('bad_flag', `--out ${JSON.stringify(flags.out)} must name a .jsonl file (not .sem.jsonl, that is the golden)`, {
        field: 'out',
      })
    const {lines, golden} = fixtureOfStoredFrames(args.id, frames)
    const goldenPath = goldenPathOf(fixture)
    // `--out fixtures/new/conv.jsonl`: the folders are made, as `record --out` and `--record DIR` do.
    await mkdir(dirname(fixture), {recursive: true})
    await writeFile(fixture, fixtureText(lines))
    await writeFile(goldenPath, golden.map((json) => `${json}\n`).join(''))
    const report = await replayFixture(fixture)
    const first = report.violations[0]
    if (report.status !== 'passed') process.exitCode = 1
    this.log(`wrote ${fixture} (${lines.length} lines) and ${goldenPath} (${golden.length} frames); replay ${report.status}`)
    if (first) this.log(`  ${first.rule}: ${first.message}`)
    return {
      conv_id: args.id,
      fixture,
      golden: goldenPath,
      lines: lines.length,
      frames: golden.length,
      replay: {
        status: report.status,
        violation_count: report.violation_count,
        ...(first ? {first: `${first.rule}: ${first.message}`} : {}),
      },
    }
  }
}
