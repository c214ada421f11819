import * as Flags from '@oclif/core/flags'
import type {ErrorCode} from '../cli/command-error.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
import {RedisTapError, tapRedisStream, type RedisTapErrorCode, type RedisTapResult} from '../fixtures/geppetto/redis-tap.js'

/** A tap failure as the command error contract's code and the flag that was wrong. */
const TAP_ERRORS: Readonly<Record<RedisTapErrorCode, {code: ErrorCode; field?: string}>> = {
  bad_url: {code: 'bad_flag', field: 'from-redis'},
  redis_unavailable: {code: 'unreachable', field: 'from-redis'},
  missing_stream: {code: 'not_found', field: 'stream'},
  not_a_stream: {code: 'bad_flag', field: 'stream'},
  bad_entry: {code: 'bad_fixture', field: 'stream'},
  out_exists: {code: 'bad_flag', field: 'out'},
  out_unwritable: {code: 'permission_denied', field: 'out'},
}

export default class RecordCommand extends JiminyCommand {
  static override summary = "Tap a running geppetto / pinocchio deployment's Redis stream into a fixture."
  static override description = `Reads the entries watermill-redisstream wrote to the stream (fields _watermill_message_uuid, metadata as msgpack, payload = geppetto event JSON) and writes one fixture line per entry: {stream_id, topic: "chat:{session_id}", format: "geppetto", payload}, secrets redacted. \`jiminy replay\` then checks it like any fixture.
Without --follow it reads to the stream's end as it is now and exits; with --follow it keeps reading new entries until Ctrl-C (exit 130, after printing what it wrote). A missing stream, an unreachable server or an undecodable entry is an error (exit 2) naming what was wrong; the lines before a bad entry are kept.`
  static override examples = [
    '<%= config.bin %> record --from-redis redis://127.0.0.1:6379 --stream chat:conv-1 --out fixtures/conv-1.jsonl',
    '<%= config.bin %> record --from-redis redis://prod-redis:6379/0 --stream chat:conv-1 --follow --out conv-1.jsonl',
  ]

  static override flags = {
    'from-redis': Flags.string({required: true, description: 'Redis URL of the deployment (redis://host:port[/db])'}),
    stream: Flags.string({required: true, description: 'stream key to read (pinocchio: chat:{conv_id})'}),
    out: Flags.string({char: 'o', required: true, description: 'fixture file to write (JSONL)'}),
    follow: Flags.boolean({char: 'f', description: 'keep reading new entries until Ctrl-C'}),
    force: Flags.boolean({description: 'overwrite --out when it exists'}),
  }

  async run(): Promise<RedisTapResult> {
    const {flags} = await this.parse(RecordCommand)
    const abort = new AbortController()
    const onSigint = () => abort.abort()
    process.once('SIGINT', onSigint)
    try {
      const result = await tapRedisStream({
        url: flags['from-redis'],
        stream: flags.stream,
        out: flags.out,
        follow: flags.follow,
        force: flags.force,
        signal: abort.signal,
      })
      const span = result.first_stream_id !== undefined ? ` (${result.first_stream_id} … ${result.last_stream_id ?? ''})` : ''
      this.log(`wrote ${result.lines} line${result.lines === 1 ? '' : 's'}${span} from ${result.stream} at ${result.url} to ${result.out}`)
      if (result.topics.length > 0) this.log(`topics: ${result.topics.join(', ')}`)
      if (result.ended === 'stopped') process.exitCode = 130
      return result
    } catch (error) {
      if (!(error instanceof RedisTapError)) throw error
      const {code, field} = TAP_ERRORS[error.code]
      return this.fail(code, error.message, field !== undefined ? {field} : {})
    } finally {
      process.off('SIGINT', onSigint)
    }
  }
}
