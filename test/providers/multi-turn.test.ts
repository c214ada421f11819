import {setupServer} from 'msw/node'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {engineAsFn, newTurn, systemBlock, toolLoop, ToolRegistry} from '../../src/core/index.js'
import {calcTool, clockTool, engineFor, fixture, runPrompt, serve, sseResponse, type RealType} from './provider-harness.js'

const server = setupServer()
beforeAll(() => server.listen({onUnhandledRequest: 'error'}))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const registry = new ToolRegistry([calcTool, clockTool])

/** Runs one prompt through the tool loop: first answer from `first`, second from the text transcript. */
async function toolRound(type: RealType, first: string, config: Parameters<typeof engineFor>[1] = {}) {
  const seen = serve(server, type, [() => sseResponse(fixture(type, first)), () => sseResponse(fixture(type, 'text'))])
  const engine = engineFor(type, config)
  const result = await runPrompt(
    engine,
    'what is 2+3?',
    newTurn([systemBlock('Be brief.')]),
    toolLoop({inference: engineAsFn(engine), registry}),
  )
  expect(result.outcome.status).toBe('completed')
  expect(seen.bodies).toHaveLength(2)
  return {second: seen.bodies[1]!, first: seen.bodies[0]!, result}
}

describe('the request after a tool loop sends back what each provider requires', () => {
  it('openai-chat: assistant tool_calls followed by one tool message per call', async () => {
    const {second} = await toolRound('openai-chat', 'parallel-tool-calls')
    expect(second.messages).toEqual([
      {role: 'system', content: 'Be brief.'},
      {role: 'user', content: 'what is 2+3?'},
      {
        role: 'assistant',
        content: 'Checking both. ',
        tool_calls: [
          {id: 'call_A1', type: 'function', function: {name: 'calc', arguments: '{"expression":"6*7"}'}},
          {id: 'call_B2', type: 'function', function: {name: 'clock', arguments: '{"timezone":"UTC"}'}},
        ],
      },
      {role: 'tool', tool_call_id: 'call_A1', content: '{"value":42}'},
      {role: 'tool', tool_call_id: 'call_B2', content: '{"iso":"2026-01-01T00:00:00Z"}'},
    ])
  })

  it('openai-responses: the reasoning item (id, summary, encrypted content) goes back before its function calls', async () => {
    const {first, second} = await toolRound('openai-responses', 'parallel-tool-calls', {reasoning: {effort: 'low', summary: 'auto'}})
    expect(first).toMatchObject({store: false, include: ['reasoning.encrypted_content'], reasoning: {effort: 'low', summary: 'auto'}})
    const input = second.input as Record<string, unknown>[]
    expect(input.map((i) => i.type ?? i.role)).toEqual([
      'system',
      'user',
      'reasoning',
      'function_call',
      'function_call',
      'function_call_output',
      'function_call_output',
    ])
    expect(input[2]).toEqual({
      type: 'reasoning',
      id: 'rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9',
      summary: [{type: 'summary_text', text: '**Two tools**\n\nCompute and check the clock.'}],
      encrypted_content: expect.stringMatching(/^gAAAAAB/),
    })
    expect(input[3]).toEqual({type: 'function_call', id: 'fc_A', call_id: 'call_A1', name: 'calc', arguments: '{"expression":"6*7"}'})
    expect(input[4]).toEqual({type: 'function_call', id: 'fc_B', call_id: 'call_B2', name: 'clock', arguments: '{"timezone":"UTC"}'})
    expect(input[5]).toEqual({type: 'function_call_output', call_id: 'call_A1', output: '{"value":42}'})
    expect(input[6]).toEqual({type: 'function_call_output', call_id: 'call_B2', output: '{"iso":"2026-01-01T00:00:00Z"}'})
  })

  it('anthropic: thinking with its signature and redacted thinking come first, tool results follow in a user message', async () => {
    const {second} = await toolRound('anthropic', 'thinking', {reasoning: {budget_tokens: 2048}})
    expect(second.system).toBe('Be brief.')
    expect(second.thinking).toEqual({type: 'enabled', budget_tokens: 2048})
    expect(second.max_tokens).toBe(4096 + 2048)
    const messages = second.messages as {role: string; content: Record<string, unknown>[]}[]
    expect(messages).toHaveLength(3)
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        {type: 'thinking', thinking: 'The user wants 2+3. Use the calc tool.', signature: expect.stringMatching(/^EqQBCkYIBxgCIkBq/)},
        {type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP'},
        {type: 'text', text: 'Let me compute.'},
        {type: 'tool_use', id: 'toolu_T1', name: 'calc', input: {expression: '2+3'}},
      ],
    })
    expect(messages[2]).toEqual({role: 'user', content: [{type: 'tool_result', tool_use_id: 'toolu_T1', content: '{"value":5}'}]})
  })

  it('gemini: the function call keeps its thought signature and the result answers it by name', async () => {
    const {second} = await toolRound('gemini', 'tool-call')
    expect(second.systemInstruction).toEqual({parts: [{text: 'Be brief.'}]})
    expect(second.contents).toEqual([
      {role: 'user', parts: [{text: 'what is 2+3?'}]},
      {
        role: 'model',
        parts: [{functionCall: {name: 'calc', args: {expression: '2+3'}}, thoughtSignature: expect.stringMatching(/^EqUCCqICAb4/)}],
      },
      {role: 'user', parts: [{functionResponse: {name: 'calc', response: {result: {value: 5}}}}]},
    ])
  })

  it('a follow-up prompt carries the whole conversation, and a cancelled call gets an error result', async () => {
    const seen = serve(server, 'openai-chat', [
      () => sseResponse(fixture('openai-chat', 'tool-call')),
      () => sseResponse(fixture('openai-chat', 'text')),
    ])
    const engine = engineFor('openai-chat')
    // single pass: the call is left unanswered, as after a cancel
    const first = await runPrompt(engine, 'what is 2+3?')
    const followUp = await first.session.start(first.session.seedWithPrompt('and now?')).wait()
    expect(followUp.status).toBe('completed')
    expect(seen.bodies[1]!.messages).toEqual([
      {role: 'system', content: 'Be brief.'},
      {role: 'user', content: 'what is 2+3?'},
      {
        role: 'assistant',
        content: null,
        tool_calls: [{id: 'call_Yh8vQmZ1', type: 'function', function: {name: 'calc', arguments: '{"expression":"2+3"}'}}],
      },
      {role: 'tool', tool_call_id: 'call_Yh8vQmZ1', content: 'Error: no result: the run ended before this tool finished'},
      {role: 'user', content: 'and now?'},
    ])
  })
})
