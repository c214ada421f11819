import * as Flags from '@oclif/core/flags'
import type {ErrorCode} from '../cli/command-error.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
import {FOREIGN_PROTOCOLS, type ForeignProtocol} from '../fixtures/foreign/foreign-recording.js'
import {
  recordForeign,
  RecordForeignError,
  type RecordForeignErrorCode,
  type RecordForeignResult,
} from '../fixtures/foreign/record-foreign.js'
import {RedisTapError, tapRedisStream, type RedisTapErrorCode, type RedisTapResult} from '../fixtures/geppetto/redis-tap.js'

type ErrorMapping = {code: ErrorCode; field?: string}

/** A tap failure as the command error contract's code and the flag that was wrong. */
const TAP_ERRORS: Readonly<Record<RedisTapErrorCode, ErrorMapping>> = {
  bad_url: {code: 'bad_flag', field: 'from-redis'},
  redis_unavailable: {code: 'unreachable', field: 'from-redis'},
  missing_stream: {code: 'not_found', field: 'stream'},
  not_a_stream: {code: 'bad_flag', field: 'stream'},
  bad_entry: {code: 'bad_fixture', field: 'stream'},
  out_exists: {code: 'bad_flag', field: 'out'},
  out_unwritable: {code: 'permission_denied', field: 'out'},
}

/** A recording failure (--from), likewise. */
const RECORD_ERRORS: Readonly<Record<RecordForeignErrorCode, ErrorMapping>> = {
  bad_url: {code: 'bad_flag', field: 'from'},
  out_exists: {code: 'bad_flag', field: 'out'},
  out_unwritable: {code: 'permission_denied', field: 'out'},
  bad_header: {code: 'bad_flag', field: 'header'},
  refused: {code: 'unreachable', field: 'from'},
  wrong_protocol: {code: 'bad_flag', field: 'protocol'},
  timeout: {code: 'unreachable', field: 'timeout'},
  http_error: {code: 'unreachable', field: 'from'},
}

export default class RecordCommand extends JiminyCommand {
  static override summary =
    'Record a running backend (--from URL) or tap a geppetto / pinocchio Redis stream (--from-redis) into a fixture.'
  static override description = `--from URL --protocol sessionstream|sem|ai-sdk: connects to a running backend, sends each --prompt in turn (waiting for its run to end) and writes everything the backend sent, in order, with receive times, to --out; the first line names the protocol, and \`jiminy replay\` checks it with that protocol's rules. sessionstream: URL is the server (POST /api/chat/sessions unless --session, GET /api/chat/ws, POST …/messages); sem: the server (GET /ws, POST /chat); ai-sdk: the chat route itself (POST, DefaultChatTransport's body, SSE answer). A bad URL, a refused connection, the wrong protocol or a run that does not end within --timeout is one error (exit 2), and what was received is still written.
--from-redis: reads the entries watermill-redisstream wrote to --stream and writes one fixture line per entry: {stream_id, topic: "chat:{session_id}", format: "geppetto", payload}, secrets redacted; with --follow until Ctrl-C (exit 130).`
  static override examples = [
    '<%= config.bin %> record --from http://127.0.0.1:8080 --protocol sessionstream --prompt "hello" --prompt "and then?" --out pinocchio.jsonl',
    '<%= config.bin %> record --from http://127.0.0.1:3000/api/chat --protocol ai-sdk --prompt "hi" --header "Authorization: Bearer $TOKEN" --out route.jsonl',
    '<%= config.bin %> record --from-redis redis://127.0.0.1:6379 --stream chat:conv-1 --out fixtures/conv-1.jsonl',
  ]

  static override flags = {
    from: Flags.string({
      description: 'URL of a running backend (see --protocol)',
      exactlyOne: ['from', 'from-redis'],
      dependsOn: ['protocol', 'prompt'],
    }),
    protocol: Flags.string({options: [...FOREIGN_PROTOCOLS], description: 'the backend protocol, with --from'}),
    prompt: Flags.string({multiple: true, description: 'a prompt to send, with --from (repeat for several runs, in order)'}),
    profile: Flags.string({description: 'profile to ask for, with --from'}),
    header: Flags.string({
      multiple: true,
      description: "'Name: value' sent with every request, with --from (never written to the recording)",
    }),
    session: Flags.string({description: 'an existing session / conversation id, with --from'}),
    timeout: Flags.integer({
      min: 1,
      default: 120,
      description: 'seconds a run may take before the recording stops with an error, with --from',
    }),
    'from-redis': Flags.string({description: 'Redis URL of the deployment (redis://host:port[/db])', dependsOn: ['stream']}),
    stream: Flags.string({description: 'stream key to read, with --from-redis (pinocchio: chat:{conv_id})'}),
    out: Flags.string({char: 'o', required: true, description: 'fixture file to write (JSONL)'}),
    follow: Flags.boolean({char: 'f', description: 'keep reading new entries until Ctrl-C, with --from-redis'}),
    force: Flags.boolean({description: 'overwrite --out when it exists'}),
  }

  async run(): Promise<RedisTapResult | RecordForeignResult> {
    const {flags} = await this.parse(RecordCommand)
    try {
      if (flags.from === undefined) return await this.tapRedis(flags['from-redis']!, flags.stream!, flags.out, flags.follow, flags.force)
      const result = await recordForeign({
        url: flags.from,
        protocol: flags.protocol as ForeignProtocol,
        prompts: flags.prompt ?? [],
        out: flags.out,
        headers: flags.header ?? [],
        timeoutMs: flags.timeout * 1000,
        force: flags.force,
        ...(flags.profile !== undefined ? {profile: flags.profile} : {}),
        ...(flags.session !== undefined ? {sessionId: flags.session} : {}),
      })
      this.log(
        `recorded ${result.prompts} run${result.prompts === 1 ? '' : 's'} (${result.frames} frames) from ${result.url} (${result.protocol}, session ${result.session_id}) to ${result.out}`,
      )
      return result
    } catch (error) {
      const mapped =
        error instanceof RedisTapError
          ? TAP_ERRORS[error.code]
          : error instanceof RecordForeignError
            ? RECORD_ERRORS[error.code]
            : undefined
      if (mapped === undefined) throw error
      const {code, field} = mapped
      return this.fail(code, (error as Error).message, field !== undefined ? {field} : {})
    }
  }

  private async tapRedis(url: string, stream: string, out: string, follow: boolean, force: boolean): Promise<RedisTapResult> {
    const abort = new AbortController()
    const onSigint = () => abort.abort()
    process.once('SIGINT', onSigint)
    try {
      const result = await tapRedisStream({url, stream, out, follow, force, signal: abort.signal})
      const span = result.first_stream_id !== undefined ? ` (${result.first_stream_id} … ${result.last_stream_id ?? ''})` : ''
      this.log(`wrote ${result.lines} line${result.lines === 1 ? '' : 's'}${span} from ${result.stream} at ${result.url} to ${result.out}`)
      if (result.topics.length > 0) this.log(`topics: ${result.topics.join(', ')}`)
      if (result.ended === 'stopped') process.exitCode = 130
      return result
    } finally {
      process.off('SIGINT', onSigint)
    }
  }
}
