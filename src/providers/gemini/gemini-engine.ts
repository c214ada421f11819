import type {Engine, RunContext, Turn} from '../../core/index.js'
import {parseStreamChunk} from '../http/parse-stream-chunk.js'
import {joinUrl, withExtraHeaders, type ProviderEngineOptions} from '../http/provider-engine-options.js'
import {streamAssistantMessage} from '../http/stream-assistant-message.js'
import {GeminiChunkSchema, type GeminiRequest} from './gemini-api.js'
import {convertToGeminiContents} from './convert-to-gemini-contents.js'
import {prepareGeminiTools} from './gemini-prepare-tools.js'
import {GeminiStreamState} from './gemini-stream-state.js'

/**
 * Google Gemini API (`POST {base}/models/{model}:streamGenerateContent?alt=sse`). The key goes in
 * the `x-goog-api-key` header, never in the URL. `reasoning` is sent as `thinkingConfig`
 * (e.g. `{includeThoughts: true, thinkingBudget: 1024}`).
 */
export class GeminiEngine implements Engine {
  constructor(private readonly options: ProviderEngineOptions) {}

  buildRequest(turn: Turn): GeminiRequest {
    const o = this.options
    const {systemInstruction, contents} = convertToGeminiContents(turn)
    const request: GeminiRequest = {contents}
    if (systemInstruction) request.systemInstruction = systemInstruction
    const tools = prepareGeminiTools(o.tools)
    if (tools) request.tools = tools
    const generationConfig: NonNullable<GeminiRequest['generationConfig']> = {}
    if (o.temperature !== undefined) generationConfig.temperature = o.temperature
    if (o.maxTokens !== undefined) generationConfig.maxOutputTokens = o.maxTokens
    if (o.reasoning) generationConfig.thinkingConfig = o.reasoning
    if (Object.keys(generationConfig).length > 0) request.generationConfig = generationConfig
    return request
  }

  async runInference(turn: Turn, ctx: RunContext): Promise<Turn> {
    const o = this.options
    const headers = withExtraHeaders(o.apiKey ? {'x-goog-api-key': o.apiKey} : {}, o.headers)
    const url = joinUrl(o.baseUrl, `models/${encodeURIComponent(o.model)}:streamGenerateContent?alt=sse`)
    const request = {url, headers, body: this.buildRequest(turn)}
    return streamAssistantMessage(turn, ctx, {model: o.model, http: o.http, request}, (message) => {
      const state = new GeminiStreamState(message, o.http.label)
      // Gemini has no end-of-stream event: the stream ends when the connection does.
      return {accept: (data) => (state.accept(parseStreamChunk(GeminiChunkSchema, data, o.http.label)), false), end: () => state.end()}
    })
  }
}
