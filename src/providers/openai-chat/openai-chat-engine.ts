import type {Engine, RunContext, Turn} from '../../core/index.js'
import {parseStreamChunk} from '../http/parse-stream-chunk.js'
import {joinUrl, withExtraHeaders, type ProviderEngineOptions} from '../http/provider-engine-options.js'
import {streamAssistantMessage} from '../http/stream-assistant-message.js'
import {OpenAiChatChunkSchema, type OpenAiChatRequest} from './openai-chat-api.js'
import {convertToOpenAiChatMessages} from './convert-to-openai-chat-messages.js'
import {prepareOpenAiChatTools} from './openai-chat-prepare-tools.js'
import {OpenAiChatStreamState} from './openai-chat-stream-state.js'

export interface OpenAiChatEngineOptions extends ProviderEngineOptions {
  /**
   * `openai` sends `max_completion_tokens` and `reasoning_effort`; `compatible` (Ollama, vLLM,
   * llama.cpp, LM Studio) sends the older `max_tokens`, which those servers understand.
   */
  readonly flavor: 'openai' | 'compatible'
}

/** OpenAI Chat Completions (`POST {base}/chat/completions`, `stream: true`), and any server that speaks it. */
export class OpenAiChatEngine implements Engine {
  constructor(private readonly options: OpenAiChatEngineOptions) {}

  buildRequest(turn: Turn): OpenAiChatRequest {
    const o = this.options
    const request: OpenAiChatRequest = {
      model: o.model,
      messages: convertToOpenAiChatMessages(turn),
      stream: true,
      stream_options: {include_usage: true},
    }
    const tools = prepareOpenAiChatTools(o.tools)
    if (tools) request.tools = tools
    if (o.temperature !== undefined) request.temperature = o.temperature
    if (o.maxTokens !== undefined) {
      if (o.flavor === 'openai') request.max_completion_tokens = o.maxTokens
      else request.max_tokens = o.maxTokens
    }
    const effort = o.reasoning?.effort
    if (typeof effort === 'string') request.reasoning_effort = effort
    return request
  }

  async runInference(turn: Turn, ctx: RunContext): Promise<Turn> {
    const o = this.options
    const headers = withExtraHeaders(o.apiKey ? {authorization: `Bearer ${o.apiKey}`} : {}, o.headers)
    const request = {url: joinUrl(o.baseUrl, 'chat/completions'), headers, body: this.buildRequest(turn)}
    return streamAssistantMessage(turn, ctx, {model: o.model, http: o.http, request}, (message) => {
      const state = new OpenAiChatStreamState(message, o.http.label)
      // The stream ends with `data: [DONE]`, which streamAssistantMessage handles.
      return {accept: (data) => (state.accept(parseStreamChunk(OpenAiChatChunkSchema, data, o.http.label)), false), end: () => state.end()}
    })
  }
}
