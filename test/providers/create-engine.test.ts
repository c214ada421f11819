import {describe, expect, it} from 'vitest'
import {
  AnthropicEngine,
  createEngine,
  GeminiEngine,
  MockEngine,
  OpenAiChatEngine,
  OpenAiResponsesEngine,
  ProviderConfigSchema,
} from '../../src/providers/index.js'
import {retryDelayMs, MAX_RETRY_DELAY_MS} from '../../src/providers/http/retry-delay.js'
import {errorInfoFromText} from '../../src/providers/http/extract-error-message.js'

describe('createEngine', () => {
  const deps = (env: NodeJS.ProcessEnv) => ({tools: [], env})

  it('builds each provider type from its key variable', () => {
    expect(createEngine({type: 'openai-chat', model: 'm'}, deps({OPENAI_API_KEY: 'k'}))).toBeInstanceOf(OpenAiChatEngine)
    expect(createEngine({type: 'openai-responses', model: 'm'}, deps({OPENAI_API_KEY: 'k'}))).toBeInstanceOf(OpenAiResponsesEngine)
    expect(createEngine({type: 'anthropic', model: 'm'}, deps({ANTHROPIC_API_KEY: 'k'}))).toBeInstanceOf(AnthropicEngine)
    expect(createEngine({type: 'gemini', model: 'm'}, deps({GEMINI_API_KEY: 'k'}))).toBeInstanceOf(GeminiEngine)
    expect(createEngine({type: 'openai-compatible', model: 'm', base_url: 'http://127.0.0.1:11434/v1'}, deps({}))).toBeInstanceOf(
      OpenAiChatEngine,
    )
    expect(createEngine({type: 'mock'}, deps({}))).toBeInstanceOf(MockEngine)
  })

  it.each([
    ['openai-chat', 'OPENAI_API_KEY'],
    ['openai-responses', 'OPENAI_API_KEY'],
    ['anthropic', 'ANTHROPIC_API_KEY'],
    ['gemini', 'GEMINI_API_KEY'],
  ] as const)('%s without a key is a one-line error naming %s', (type, variable) => {
    expect(() => createEngine({type, model: 'm'}, deps({}))).toThrow(new RegExp(`^[^\\n]*${variable}[^\\n]*$`))
  })

  it('honours api_key_env, also for openai-compatible', () => {
    expect(() => createEngine({type: 'anthropic', model: 'm', api_key_env: 'MY_KEY'}, deps({ANTHROPIC_API_KEY: 'k'}))).toThrow(/MY_KEY/)
    expect(createEngine({type: 'anthropic', model: 'm', api_key_env: 'MY_KEY'}, deps({MY_KEY: 'k'}))).toBeInstanceOf(AnthropicEngine)
    expect(() => createEngine({type: 'openai-compatible', model: 'm', api_key_env: 'VLLM_KEY'}, deps({}))).toThrow(/VLLM_KEY/)
  })

  it('needs a model for real providers', () => {
    expect(() => createEngine({type: 'gemini'}, deps({GEMINI_API_KEY: 'k'}))).toThrow(/needs a model/)
  })

  it('accepts max_retries and stall_timeout_ms in a provider block', () => {
    expect(ProviderConfigSchema.parse({type: 'anthropic', model: 'm', max_retries: 0, stall_timeout_ms: 5000})).toMatchObject({
      max_retries: 0,
    })
    expect(() => ProviderConfigSchema.parse({type: 'anthropic', max_retries: 99})).toThrow()
  })
})

describe('retry delay', () => {
  it('honours retry-after-ms, retry-after seconds and dates, and refuses waits that are too long', () => {
    expect(retryDelayMs(new Headers({'retry-after-ms': '250'}), 0, 500)).toBe(250)
    expect(retryDelayMs(new Headers({'retry-after': '2'}), 0, 500)).toBe(2000)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryDelayMs(new Headers({'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT'}), 0, 500, now)).toBe(3000)
    expect(retryDelayMs(new Headers({'retry-after': String(MAX_RETRY_DELAY_MS / 1000 + 1)}), 0, 500)).toBeUndefined()
    const backoff = retryDelayMs(new Headers(), 2, 100)!
    expect(backoff).toBeGreaterThanOrEqual(320)
    expect(backoff).toBeLessThanOrEqual(480)
  })
})

describe('error bodies', () => {
  it('reads the shapes providers and compatible servers use', () => {
    expect(errorInfoFromText('{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}')).toEqual({
      message: 'bad key',
      code: 'invalid_api_key',
    })
    expect(errorInfoFromText('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toEqual({
      message: 'Overloaded',
      code: 'overloaded_error',
    })
    expect(errorInfoFromText('[{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}]')).toEqual({
      message: 'Resource exhausted',
      code: '429',
    })
    expect(errorInfoFromText('{"error":"model \\"llama9\\" not found"}')).toEqual({message: 'model "llama9" not found'})
    expect(errorInfoFromText('{"object":"error","message":"max_tokens too large","type":"BadRequestError","code":400}')).toEqual({
      message: 'max_tokens too large',
      code: '400',
    })
    expect(errorInfoFromText('<html>502 Bad Gateway</html>')).toBeUndefined()
  })
})
