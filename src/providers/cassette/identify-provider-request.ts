import {createHash} from 'node:crypto'
import {canonicalJson} from '../../core/index.js'

export interface ProviderRequestIdentity {
  readonly provider: string
  readonly model: string
  readonly matchKey: string
}

/**
 * Recognises a provider API call by its path and names it by provider, model and message content
 * (system prompt, messages/input/contents, tools); anything else is not a provider request.
 */
export function identifyProviderRequest(url: string, body: unknown): ProviderRequestIdentity | undefined {
  const path = new URL(url).pathname
  const json = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  let provider: string
  let model = typeof json.model === 'string' ? json.model : ''
  let content: unknown
  if (path.endsWith('/chat/completions')) {
    provider = 'openai-chat'
    content = json.messages
  } else if (path.endsWith('/responses')) {
    provider = 'openai-responses'
    content = json.input
  } else if (path.endsWith('/messages')) {
    provider = 'anthropic'
    content = [json.system ?? null, json.messages]
  } else {
    const gemini = /\/models\/([^/:]+):streamGenerateContent$/.exec(path)
    if (!gemini) return undefined
    provider = 'gemini'
    model = decodeURIComponent(gemini[1]!)
    content = [json.systemInstruction ?? null, json.contents]
  }
  const matchKey = createHash('sha256')
    .update(canonicalJson([provider, model, content]))
    .digest('hex')
  return {provider, model, matchKey}
}
