import type {Engine, RunContext, Turn} from '../../core/index.js'
import {parseStreamChunk} from '../http/parse-stream-chunk.js'
import {joinUrl, withExtraHeaders, type ProviderEngineOptions} from '../http/provider-engine-options.js'
import {streamAssistantMessage} from '../http/stream-assistant-message.js'
import {AnthropicEventSchema, type AnthropicRequest} from './anthropic-api.js'
import {convertToAnthropicMessages} from './convert-to-anthropic-messages.js'
import {prepareAnthropicTools} from './anthropic-prepare-tools.js'
import {AnthropicStreamState} from './anthropic-stream-state.js'

export const ANTHROPIC_VERSION = '2023-06-01'
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096

/**
 * Anthropic Messages API (`POST {base}/messages`, `stream: true`). `reasoning: {budget_tokens: N}`
 * enables extended thinking; any other reasoning object with a `type` is sent as `thinking` as is.
 */
export class AnthropicEngine implements Engine {
  constructor(private readonly options: ProviderEngineOptions) {}

  buildRequest(turn: Turn): AnthropicRequest {
    const o = this.options
    const {system, messages} = convertToAnthropicMessages(turn)
    const thinking = thinkingParam(o.reasoning)
    const budget = typeof thinking?.budget_tokens === 'number' ? thinking.budget_tokens : 0
    const request: AnthropicRequest = {
      model: o.model,
      messages,
      max_tokens: o.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS + budget,
      stream: true,
    }
    if (system !== undefined) request.system = system
    const tools = prepareAnthropicTools(o.tools)
    if (tools) request.tools = tools
    // Extended thinking refuses any temperature but the default.
    if (o.temperature !== undefined && !thinking) request.temperature = o.temperature
    if (thinking) request.thinking = thinking
    return request
  }

  async runInference(turn: Turn, ctx: RunContext): Promise<Turn> {
    const o = this.options
    const headers = withExtraHeaders({'anthropic-version': ANTHROPIC_VERSION, ...(o.apiKey ? {'x-api-key': o.apiKey} : {})}, o.headers)
    const request = {url: joinUrl(o.baseUrl, 'messages'), headers, body: this.buildRequest(turn)}
    return streamAssistantMessage(turn, ctx, {model: o.model, http: o.http, request}, (message) => {
      const state = new AnthropicStreamState(message, o.http.label)
      return {
        accept: (data) => (state.accept(parseStreamChunk(AnthropicEventSchema, data, o.http.label)), state.done),
        end: () => state.end(),
      }
    })
  }
}

function thinkingParam(reasoning: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!reasoning) return undefined
  if (typeof reasoning.type === 'string') return reasoning
  if (typeof reasoning.budget_tokens === 'number') return {type: 'enabled', budget_tokens: reasoning.budget_tokens}
  return undefined
}
