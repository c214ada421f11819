import {Command, Flags} from '@oclif/core'
import {openBrowser} from '../cli/open-browser.js'
import {watchServerConfig} from '../engine/index.js'
import {DEFAULT_HOST, DEFAULT_PORT, LOG_LEVELS, startServer, type LogLevel} from '../webchat/index.js'

export default class Serve extends Command {
  static override summary = 'Serve the dev web chat: HTTP API, WebSocket streaming and the chat page.'
  static override description = `Binds ${DEFAULT_HOST} by default. The first line printed is the URL it listens on.
Profiles come from ./jiminy.yaml (or --config); without one, the offline mock profiles "default" and "step" are served.
With --token, the API and WebSocket need "Authorization: Bearer <token>" (or open <url>?token=<token> once in the browser).
Logs are JSON lines on stderr. Ctrl-C (or SIGTERM) cancels runs, closes sockets and exits 0.`
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 0 --open',
    '<%= config.bin %> serve --config ./jiminy.yaml --token s3cret',
  ]

  static override flags = {
    port: Flags.integer({char: 'p', min: 0, max: 65_535, default: DEFAULT_PORT, description: 'port to listen on (0 picks a free one)'}),
    host: Flags.string({default: DEFAULT_HOST, description: 'address to bind'}),
    config: Flags.string({char: 'c', description: 'config file (default: ./jiminy.yaml if present)'}),
    token: Flags.string({env: 'JIMINY_TOKEN', description: 'require this bearer token on the API and WebSocket'}),
    open: Flags.boolean({description: 'open the chat page in a browser (only on a terminal, never in CI)'}),
    record: Flags.string({description: 'record every conversation as a replayable fixture in this folder ({conv_id}.jsonl)'}),
    watch: Flags.boolean({
      char: 'w',
      description: 'reload the config file and local plugins on change; affected conversations rebuild before their next run',
    }),
    'log-level': Flags.string({options: [...LOG_LEVELS], default: 'info', description: 'log level (JSON logs on stderr)'}),
    bus: Flags.string({
      options: ['memory', 'redis'],
      description:
        'event bus: memory (one process) or redis (several instances share Redis Streams); default: bus.type in the config, else memory',
    }),
    'redis-url': Flags.string({
      env: 'JIMINY_REDIS_URL',
      description: 'Redis URL for --bus redis (default: bus.redis_url in the config, else redis://127.0.0.1:6379)',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Serve)
    let server
    try {
      server = await startServer({
        port: flags.port,
        host: flags.host,
        ...(flags.config !== undefined ? {configPath: flags.config} : {}),
        ...(flags.token !== undefined ? {token: flags.token} : {}),
        ...(flags.record !== undefined ? {record: {dir: flags.record}} : {}),
        logLevel: flags['log-level'] as LogLevel,
        busFlags: {
          ...(flags.bus !== undefined ? {type: flags.bus as 'memory' | 'redis'} : {}),
          ...(flags['redis-url'] !== undefined ? {redisUrl: flags['redis-url']} : {}),
        },
      })
    } catch (error) {
      const code = (error as {code?: string}).code
      const message =
        code === 'EADDRINUSE'
          ? `port ${flags.port} on ${flags.host} is already in use; pick another with --port (0 = any free port)`
          : error instanceof Error
            ? error.message
            : String(error)
      this.logToStderr(`jiminy: ${message}`)
      return this.exit(2)
    }
    process.stdout.write(`${server.url}\n`)
    const watcher = flags.watch
      ? watchServerConfig({manager: server.manager, logger: server.logger, dataDir: this.config.dataDir})
      : undefined
    if (flags.open) openBrowser(flags.token !== undefined ? `${server.url}?token=${encodeURIComponent(flags.token)}` : server.url)

    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        void Promise.all([watcher?.close(), server.close()]).finally(resolve)
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    process.exit(0)
  }
}
