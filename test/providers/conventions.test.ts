import {setupServer} from 'msw/node'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {createEngine, normalizeUsage, ProviderConfigSchema, ProviderSetupError, type ProviderConfig} from '../../src/providers/index.js'
import {redactHeaders} from '../../src/providers/cassette/redact-exchange.js'
import {signatureOf, type EngineConfig} from '../../src/engine/index.js'
import {BASE_URL, calcTool, finalEvent, fixture, runPrompt, serve, sseResponse, TEST_KEY, type RealType} from './provider-harness.js'

const server = setupServer()
beforeAll(() => server.listen({onUnhandledRequest: 'error'}))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const engine = (config: Omit<ProviderConfig, 'model'> & {model?: string}, env: NodeJS.ProcessEnv) =>
  createEngine({model: 'm-1', ...config}, {tools: [calcTool], env})

describe('provider environment conventions', () => {
  it('OPENAI_BASE_URL is the OpenAI base when the block has no base_url, for chat and responses', async () => {
    for (const type of ['openai-chat', 'openai-responses'] as const) {
      const seen = serve(server, type, [() => sseResponse(fixture(type, 'text'))])
      const result = await runPrompt(engine({type}, {OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: `${BASE_URL}/`}))
      expect(result.outcome.status).toBe('completed')
      expect(seen.urls[0]).toBe(`${BASE_URL}/${type === 'openai-chat' ? 'chat/completions' : 'responses'}`)
    }
  })

  it('a base_url in the block wins over OPENAI_BASE_URL', async () => {
    const seen = serve(server, 'openai-chat', [() => sseResponse(fixture('openai-chat', 'text'))])
    await runPrompt(
      engine({type: 'openai-chat', base_url: BASE_URL}, {OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: 'http://elsewhere.test/v1'}),
    )
    expect(seen.urls).toEqual([`${BASE_URL}/chat/completions`])
  })

  it('ANTHROPIC_BASE_URL is the API root without /v1, as the Anthropic SDK takes it', async () => {
    for (const root of ['http://provider.test', 'http://provider.test/', `${BASE_URL}`]) {
      const seen = serve(server, 'anthropic', [() => sseResponse(fixture('anthropic', 'text'))])
      const result = await runPrompt(engine({type: 'anthropic'}, {ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: root}))
      expect(result.outcome.status, root).toBe('completed')
      expect(seen.urls[0]).toBe(`${BASE_URL}/messages`)
      server.resetHandlers()
    }
  })

  it('a base URL variable that is not a URL is a ProviderSetupError naming it', () => {
    expect(() => engine({type: 'openai-chat'}, {OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: 'not a url'})).toThrow(
      /OPENAI_BASE_URL is not a URL/,
    )
  })

  it('Gemini falls back to GOOGLE_API_KEY; GEMINI_API_KEY wins when both are set', async () => {
    const seen = serve(server, 'gemini', [() => sseResponse(fixture('gemini', 'text'))])
    await runPrompt(engine({type: 'gemini', base_url: BASE_URL}, {GOOGLE_API_KEY: 'google-key-1234'}))
    await runPrompt(engine({type: 'gemini', base_url: BASE_URL}, {GOOGLE_API_KEY: 'google-key-1234', GEMINI_API_KEY: 'gemini-key-1234'}))
    expect(seen.headers.map((h) => h.get('x-goog-api-key'))).toEqual(['google-key-1234', 'gemini-key-1234'])
  })

  it('a missing key is a ProviderSetupError (missing_api_key) naming every variable looked at', () => {
    let thrown: unknown
    try {
      engine({type: 'gemini'}, {})
    } catch (error) {
      thrown = error
    }
    expect(ProviderSetupError.isInstance(thrown)).toBe(true)
    expect(thrown).toMatchObject({
      code: 'missing_api_key',
      field: 'provider.api_key_env',
      message: 'missing API key for provider gemini: set the GEMINI_API_KEY or GOOGLE_API_KEY environment variable',
    })
    expect(() => createEngine({type: 'anthropic'}, {tools: [], env: {ANTHROPIC_API_KEY: 'k'}})).toThrow(
      expect.objectContaining({name: 'ProviderSetupError', code: 'bad_config', field: 'provider.model'}),
    )
  })

  it('OPENAI_ORG_ID and OPENAI_PROJECT_ID are sent as OpenAI-Organization and OpenAI-Project', async () => {
    const seen = serve(server, 'openai-responses', [() => sseResponse(fixture('openai-responses', 'text'))])
    await runPrompt(
      engine(
        {type: 'openai-responses', base_url: BASE_URL},
        {OPENAI_API_KEY: TEST_KEY, OPENAI_ORG_ID: 'org-1', OPENAI_PROJECT_ID: 'proj_1'},
      ),
    )
    expect(seen.headers[0]!.get('openai-organization')).toBe('org-1')
    expect(seen.headers[0]!.get('openai-project')).toBe('proj_1')
    expect(seen.headers[0]!.get('authorization')).toBe(`Bearer ${TEST_KEY}`)
  })

  it('an Anthropic or compatible engine never sends the OpenAI account headers', async () => {
    const seen = serve(server, 'anthropic', [() => sseResponse(fixture('anthropic', 'text'))])
    await runPrompt(engine({type: 'anthropic', base_url: BASE_URL}, {ANTHROPIC_API_KEY: TEST_KEY, OPENAI_ORG_ID: 'org-1'}))
    expect(seen.headers[0]!.get('openai-organization')).toBeNull()
  })
})

describe('custom headers in a provider block', () => {
  it('are sent with every request, ${VAR} read from the environment, replacing a provider header of the same name', async () => {
    const seen = serve(server, 'anthropic', [() => sseResponse(fixture('anthropic', 'text'))])
    const config = ProviderConfigSchema.parse({
      type: 'anthropic',
      model: 'm-1',
      base_url: BASE_URL,
      headers: {'X-Team': 'search', 'X-Gateway-Key': '${GATEWAY_KEY}', 'Anthropic-Version': '2024-01-01'},
    })
    const result = await runPrompt(createEngine(config, {tools: [], env: {ANTHROPIC_API_KEY: TEST_KEY, GATEWAY_KEY: 'gw-secret-987'}}))
    expect(result.outcome.status).toBe('completed')
    const headers = seen.headers[0]!
    expect(headers.get('x-team')).toBe('search')
    expect(headers.get('x-gateway-key')).toBe('gw-secret-987')
    expect(headers.get('anthropic-version')).toBe('2024-01-01')
  })

  it('a secret-looking header must come from the environment, so no secret is in the config or its signature', () => {
    const parsed = ProviderConfigSchema.safeParse({type: 'openai-chat', model: 'm', headers: {'X-Api-Key': 'literal-secret'}})
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues[0]).toMatchObject({path: ['headers', 'X-Api-Key'], message: expect.stringContaining('${VARIABLE}')})
    for (const name of ['Authorization', 'X-Auth-Token', 'Cookie', 'x-goog-api-key', 'X-Client-Secret'])
      expect(ProviderConfigSchema.safeParse({type: 'gemini', model: 'm', headers: {[name]: 'v'}}).success, name).toBe(false)
  })

  it('the signature shows the ${VAR} reference, never the value', () => {
    const provider = ProviderConfigSchema.parse({
      type: 'openai-chat',
      model: 'm',
      headers: {'X-Api-Key': '${GATEWAY_KEY}', 'X-Team': 'search'},
    })
    const config = {
      profile: 'p',
      provider,
      system_prompt: '',
      middlewares: [],
      tools: [],
      tool_executor: {name: 'default'},
      subscribers: [],
      loop: {max_iterations: 5},
      step_mode: false,
      plugins: {},
    } as unknown as EngineConfig
    const {canonical} = signatureOf(config)
    expect(canonical).toContain('"X-Api-Key":"${GATEWAY_KEY}"')
    expect(canonical).toContain('"X-Team":"search"')
  })

  it('a header whose variable is unset is an error naming it', () => {
    expect(() =>
      createEngine(ProviderConfigSchema.parse({type: 'openai-compatible', model: 'm', headers: {'X-Api-Key': '${NOPE_KEY}'}}), {
        tools: [],
        env: {},
      }),
    ).toThrow(/provider\.headers\.X-Api-Key needs the NOPE_KEY environment variable/)
  })

  it('cassettes redact secret-looking custom headers as well as the known ones', () => {
    const out = redactHeaders(new Headers({'x-gateway-key': 'gw', 'x-auth-token': 't', 'x-team': 'search', authorization: 'Bearer x'}))
    expect(out).toEqual({'x-gateway-key': '[redacted]', 'x-auth-token': '[redacted]', 'x-team': 'search', authorization: '[redacted]'})
  })
})

describe('token usage is {input_tokens, output_tokens} for every provider, raw kept beside it', () => {
  const CASES: [RealType, string, number, number, string][] = [
    ['openai-chat', 'text', 9, 4, 'prompt_tokens'],
    ['openai-responses', 'text', 260, 26, 'input_tokens_details'],
    ['anthropic', 'text', 12, 30, 'cache_read_input_tokens'],
    ['gemini', 'text', 9, 3, 'promptTokenCount'],
    // Gemini reports thoughts apart from candidates: output counts both (29 + 256), as OpenAI's does.
    ['gemini', 'reasoning', 9, 285, 'thoughtsTokenCount'],
  ]
  it.each(CASES)('%s %s.sse: input %d, output %d', async (type, name, input, output, rawKey) => {
    serve(server, type, [() => sseResponse(fixture(type, name))])
    const env = {OPENAI_API_KEY: TEST_KEY, ANTHROPIC_API_KEY: TEST_KEY, GEMINI_API_KEY: TEST_KEY}
    const result = await runPrompt(engine({type, base_url: BASE_URL}, env))
    const usage = finalEvent(result.events)!.meta.usage!
    expect(usage).toMatchObject({input_tokens: input, output_tokens: output})
    expect(usage.raw).toHaveProperty(rawKey)
  })

  it('Anthropic cache reads and writes count as input', () => {
    expect(
      normalizeUsage('anthropic', {input_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 7}),
    ).toMatchObject({input_tokens: 1103, output_tokens: 7})
  })

  it('no usage from the provider is no usage, not zeros', () => {
    expect(normalizeUsage('openai-chat', undefined)).toBeUndefined()
    expect(normalizeUsage('gemini', {})).toBeUndefined()
  })
})
