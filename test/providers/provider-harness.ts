import {readFileSync} from 'node:fs'
import type {Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {http, HttpResponse} from 'msw'
import type {SetupServer} from 'msw/node'
import {
  CollectingSink,
  engineAsFn,
  newTurn,
  Session,
  systemBlock,
  userBlock,
  type Engine,
  type Event,
  type RunOutcome,
  type ToolDefinition,
  type Turn,
  defineTool,
} from '../../src/core/index.js'
import {createEngine, type ProviderConfig} from '../../src/providers/index.js'
import {z} from 'zod'

export type RealType = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini'

const here = dirname(fileURLToPath(import.meta.url))
export const FIXTURES = join(here, '..', 'fixtures', 'providers')

export function fixture(type: RealType, name: string): string {
  return readFileSync(join(FIXTURES, type, `${name}.sse`), 'utf8')
}

export const BASE_URL = 'http://provider.test/v1'
export const ENDPOINT: Record<RealType, string | RegExp> = {
  'openai-chat': `${BASE_URL}/chat/completions`,
  'openai-responses': `${BASE_URL}/responses`,
  anthropic: `${BASE_URL}/messages`,
  gemini: /^http:\/\/provider\.test\/v1\/models\/m-1:streamGenerateContent/,
}

export const TEST_KEY = 'sk-test-0123456789abcdef'
export const ENV = {OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: TEST_KEY, GEMINI_API_KEY: TEST_KEY}

export const calcTool: ToolDefinition = defineTool({
  name: 'calc',
  description: 'Evaluates an arithmetic expression.',
  args: z.object({expression: z.string()}),
  run: ({expression}) => ({value: expression === '2+3' ? 5 : 42}),
})
export const clockTool: ToolDefinition = defineTool({
  name: 'clock',
  description: 'Current time.',
  args: z.object({timezone: z.string().optional()}),
  run: () => ({iso: '2026-01-01T00:00:00Z'}),
})

export function engineFor(type: RealType, extra: Partial<ProviderConfig> = {}): Engine {
  return createEngine({type, model: 'm-1', base_url: BASE_URL, max_retries: 2, ...extra}, {tools: [calcTool, clockTool], env: ENV})
}

/** Splits a body into small network chunks so every parser sees events cut mid-line. */
export function chunkedBody(text: string, size = 23): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(offset, offset + size))
      offset += size
    },
  })
}

export function sseResponse(text: string, init: ResponseInit = {}): Response {
  return new Response(chunkedBody(text), {status: 200, headers: {'content-type': 'text/event-stream'}, ...init})
}

/** Serves the given bodies in order to the provider's endpoint and records each request's JSON body and headers. */
export function serve(
  server: SetupServer,
  type: RealType,
  responses: (() => Response)[],
): {bodies: Record<string, unknown>[]; headers: Headers[]; urls: string[]} {
  const seen = {bodies: [] as Record<string, unknown>[], headers: [] as Headers[], urls: [] as string[]}
  let i = 0
  server.use(
    http.post(ENDPOINT[type], async ({request}) => {
      seen.bodies.push((await request.json()) as Record<string, unknown>)
      seen.headers.push(request.headers)
      seen.urls.push(request.url)
      const make = responses[Math.min(i++, responses.length - 1)]
      return make ? make() : HttpResponse.text('no response planned', {status: 500})
    }),
  )
  return seen
}

export interface RunResult {
  outcome: RunOutcome
  events: Event[]
  session: Session
}

export async function runPrompt(engine: Engine, prompt = 'hi', seed?: Turn, run = engineAsFn(engine)): Promise<RunResult> {
  const sink = new CollectingSink()
  const session = new Session('conv-test', {run, sinks: [sink]}, seed ?? newTurn([systemBlock('Be brief.')]))
  const outcome = await session.start(session.seedWithPrompt(prompt)).wait()
  return {outcome, events: sink.events, session}
}

export function finalEvent(events: Event[]): Extract<Event, {type: 'final'}> | undefined {
  return events.find((e): e is Extract<Event, {type: 'final'}> => e.type === 'final')
}

export function errorEvent(events: Event[]): Extract<Event, {type: 'error'}> | undefined {
  return events.find((e): e is Extract<Event, {type: 'error'}> => e.type === 'error')
}

export function newBlocks(result: RunResult): Turn['blocks'] {
  const blocks = result.outcome.turn.blocks
  const lastUser = blocks.map((b) => b.kind).lastIndexOf('user')
  return blocks.slice(lastUser + 1)
}

export {userBlock}

/** Listens on a free loopback port; resolves with the provider base URL (`http://127.0.0.1:PORT/v1`). */
export async function listenLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
}

/** Closes a test's local provider server (and its open connections); nothing when there is none. */
export function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server) return resolve()
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
