import {MemoryBus} from '../bus/index.js'
import {checkProfiles, EngineBuilder, loadEngineBuilder, parseConfigText} from '../engine/index.js'
import {builtinLoadedPlugin, PluginCatalog, type JiminyPlugin} from '../plugins/index.js'
import {startServer, type RunningServer, type ServerOptions} from '../webchat/index.js'

/** Profiles of a test server when no config is given: the mock engine with no delay between chunks. */
export const TEST_PROFILES_YAML = `
profiles:
  default:
    description: mock engine, no delay (tests)
    provider: {type: mock, delay_ms: 0}
  step:
    description: mock engine in step mode, no delay (tests)
    provider: {type: mock, delay_ms: 0}
    step_mode: true
`

export interface TestServerOptions {
  /** jiminy.yaml text (default: TEST_PROFILES_YAML). Its `plugins:` paths are not loaded: use `configPath` or `plugins`. */
  readonly config?: string
  /** A config file to load like `serve --config` (local plugins included; installed plugins never). Wins over `config`. */
  readonly configPath?: string
  /** Plugin objects to load beside the built-ins, as if listed in the config file's `plugins:`. */
  readonly plugins?: readonly JiminyPlugin[]
  /** Require this bearer token (as `serve --token`). */
  readonly token?: string
  /** Step pause deadline (default the server's). */
  readonly stepTimeoutMs?: number
  /** Record conversations as fixtures (as `serve --record DIR`). */
  readonly record?: ServerOptions['record']
  /** Environment for provider keys (default process.env). */
  readonly env?: NodeJS.ProcessEnv
}

export interface TestServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string
  /** The running server (manager, bus, recording) for assertions that need more than HTTP. */
  readonly server: RunningServer
  /** `POST /chat` (or `/chat/{profile}`): starts a run; resolves with the JSON answer (`conv_id`, `inference_id`…). */
  chat(prompt: string, options?: {readonly convId?: string; readonly profile?: string}): Promise<Record<string, unknown>>
  /**
   * Resolves when conversation convId has no run in progress and every event of its runs reached the
   * bus, with the seq of its last frame: wait for that seq on a socket (`sem.waitForSeq`) to know
   * the client has seen the whole run.
   */
  waitIdle(convId: string, options?: {readonly timeoutMs?: number}): Promise<{readonly lastSeq: number}>
  /** `chat` then `waitIdle`: one whole run. */
  runToEnd(
    prompt: string,
    options: {readonly convId: string; readonly profile?: string},
  ): Promise<{readonly inferenceId: string; readonly lastSeq: number}>
  /** Stops the server and its bus. Idempotent. */
  close(): Promise<void>
}

/** A jiminy server for test suites: 127.0.0.1, a free port, an in-memory bus, no logs, the mock engine by default. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const bus = new MemoryBus()
  const builder = await testBuilder(options)
  let server: RunningServer
  try {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      bus,
      builder,
      ...(options.token !== undefined ? {token: options.token} : {}),
      ...(options.record ? {record: options.record} : {}),
    })
  } catch (error) {
    await bus.close()
    throw error
  }
  let closed: Promise<void> | undefined
  const waitIdle = async (convId: string, waitOptions: {readonly timeoutMs?: number} = {}) => {
    const timeoutMs = waitOptions.timeoutMs ?? 10_000
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`conversation ${convId} still running after ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      return await Promise.race([idle(server, convId), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
  const chat: TestServer['chat'] = async (prompt, chatOptions = {}) => {
    const path = chatOptions.profile ? `chat/${encodeURIComponent(chatOptions.profile)}` : 'chat'
    const res = await fetch(new URL(path, server.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token !== undefined ? {authorization: `Bearer ${options.token}`} : {}),
      },
      body: JSON.stringify({prompt, ...(chatOptions.convId !== undefined ? {conv_id: chatOptions.convId} : {})}),
    })
    const body = (await res.json()) as Record<string, unknown>
    if (!res.ok) throw new Error(`POST /${path} answered ${res.status}: ${JSON.stringify(body)}`)
    return body
  }
  return {
    url: server.url,
    server,
    chat,
    waitIdle,
    async runToEnd(prompt, runOptions) {
      const answer = await chat(prompt, runOptions)
      const {lastSeq} = await waitIdle(runOptions.convId)
      return {inferenceId: String(answer.inference_id), lastSeq}
    },
    close: () => (closed ??= server.close().then(() => bus.close())),
  }
}

async function idle(server: RunningServer, convId: string): Promise<{lastSeq: number}> {
  for (;;) {
    const conversation = server.manager.get(convId)
    if (!conversation) return {lastSeq: 0}
    const run = conversation.running()
    if (!run) {
      await conversation.flush()
      if (!conversation.running()) return {lastSeq: conversation.lastSeq}
      continue
    }
    await run.wait()
  }
}

async function testBuilder(options: TestServerOptions): Promise<EngineBuilder> {
  const common = {
    ...(options.env ? {env: options.env} : {}),
    ...(options.stepTimeoutMs !== undefined ? {stepTimeoutMs: options.stepTimeoutMs} : {}),
  }
  if (options.configPath !== undefined) {
    const loaded = await loadEngineBuilder({configPath: options.configPath, dataDir: false, ...common})
    if (!options.plugins?.length) return loaded
    return checked(new EngineBuilder({config: loaded.config, catalog: withPlugins(options.plugins, loaded.catalog.plugins), ...common}))
  }
  const config = parseConfigText(options.config ?? TEST_PROFILES_YAML, 'test server config')
  return checked(new EngineBuilder({config, catalog: withPlugins(options.plugins ?? []), ...common}))
}

/** Every profile builds, or the error names the profile and field (as `serve` fails at start). */
function checked(builder: EngineBuilder): EngineBuilder {
  checkProfiles(builder, 'test server config')
  return builder
}

function withPlugins(plugins: readonly JiminyPlugin[], base: PluginCatalog['plugins'] = [builtinLoadedPlugin]): PluginCatalog {
  return new PluginCatalog([
    ...base,
    ...plugins.map((plugin) => ({plugin, origin: 'local' as const, source: `test plugin ${plugin.name}`, fingerprint: plugin.version})),
  ])
}
