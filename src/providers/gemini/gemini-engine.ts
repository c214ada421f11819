import {appendBlocks, StreamingMessage, type Engine, type RunContext, type Turn} from '../../core/index.js'
import {parseStreamChunk} from '../http/parse-stream-chunk.js'
import {joinUrl, type ProviderEngineOptions} from '../http/provider-engine-options.js'
import {streamSse} from '../http/sse-stream.js'
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
    const label = o.http.label
    const message = new StreamingMessage(o.model)
    const state = new GeminiStreamState(message, label)
    const headers: Record<string, string> = o.apiKey ? {'x-goog-api-key': o.apiKey} : {}
    const url = joinUrl(o.baseUrl, `models/${encodeURIComponent(o.model)}:streamGenerateContent?alt=sse`)
    for await (const sse of streamSse({url, headers, body: this.buildRequest(turn)}, ctx.signal, o.http)) {
      message.start()
      state.accept(parseStreamChunk(GeminiChunkSchema, sse.data, label))
    }
    return appendBlocks(turn, ...message.finish(state.end()))
  }
}
