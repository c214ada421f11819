import type {Engine, RunContext, Turn} from '../../core/index.js'
import {parseStreamChunk} from '../http/parse-stream-chunk.js'
import {joinUrl, withExtraHeaders, type ProviderEngineOptions} from '../http/provider-engine-options.js'
import {streamAssistantMessage} from '../http/stream-assistant-message.js'
import {
  isKnownResponsesEvent,
  RESPONSES_EVENT_SCHEMAS,
  ResponsesEventTypeSchema,
  type ResponsesEvent,
  type ResponsesRequest,
} from './openai-responses-api.js'
import {convertToResponsesInput} from './convert-to-responses-input.js'
import {prepareResponsesTools} from './openai-responses-prepare-tools.js'
import {OpenAiResponsesStreamState} from './openai-responses-stream-state.js'

/**
 * OpenAI Responses API (`POST {base}/responses`, `stream: true`). The whole history is sent each
 * time (no previous_response_id). With `reasoning` configured the request asks for encrypted
 * reasoning and `store: false`, so reasoning items can travel back without server-side state.
 */
export class OpenAiResponsesEngine implements Engine {
  constructor(private readonly options: ProviderEngineOptions) {}

  buildRequest(turn: Turn): ResponsesRequest {
    const o = this.options
    const request: ResponsesRequest = {model: o.model, input: convertToResponsesInput(turn), stream: true}
    const tools = prepareResponsesTools(o.tools)
    if (tools) request.tools = tools
    if (o.temperature !== undefined) request.temperature = o.temperature
    if (o.maxTokens !== undefined) request.max_output_tokens = o.maxTokens
    if (o.reasoning) {
      request.reasoning = o.reasoning
      request.store = false
      request.include = ['reasoning.encrypted_content']
    }
    return request
  }

  async runInference(turn: Turn, ctx: RunContext): Promise<Turn> {
    const o = this.options
    const label = o.http.label
    const headers = withExtraHeaders(o.apiKey ? {authorization: `Bearer ${o.apiKey}`} : {}, o.headers)
    const request = {url: joinUrl(o.baseUrl, 'responses'), headers, body: this.buildRequest(turn)}
    return streamAssistantMessage(turn, ctx, {model: o.model, http: o.http, request}, (message) => {
      const state = new OpenAiResponsesStreamState(message, label)
      const accept = (data: string): boolean => {
        const {type} = parseStreamChunk(ResponsesEventTypeSchema, data, label)
        if (!isKnownResponsesEvent(type)) return false
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- schema map is keyed by type
        state.accept(parseStreamChunk(RESPONSES_EVENT_SCHEMAS[type], data, label) as ResponsesEvent)
        return state.done
      }
      return {accept, end: () => state.end()}
    })
  }
}
