/**
 * Token usage as every jiminy consumer reads it (`llm.final` metadata, `run.finished`, AI SDK
 * `finish`): `{input_tokens, output_tokens}`, with the provider's own object kept as `raw`.
 *
 * The counts mean the same thing for every provider: `input_tokens` is every prompt token,
 * cached ones included (Anthropic reports cache reads and writes apart, so they are added);
 * `output_tokens` is every generated token, reasoning included (Gemini reports thoughts apart).
 */
export interface NormalizedUsage {
  readonly input_tokens: number
  readonly output_tokens: number
  readonly raw: Record<string, unknown>
  readonly [key: string]: unknown
}

export type UsageFlavor = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini'

const count = (raw: Record<string, unknown>, key: string): number => {
  const value = raw[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

/** Undefined when the provider sent no usage at all. */
export function normalizeUsage(flavor: UsageFlavor, raw: Record<string, unknown> | undefined | null): NormalizedUsage | undefined {
  if (!raw || Object.keys(raw).length === 0) return undefined
  switch (flavor) {
    case 'openai-chat':
      return {input_tokens: count(raw, 'prompt_tokens'), output_tokens: count(raw, 'completion_tokens'), raw}
    case 'openai-responses':
      return {input_tokens: count(raw, 'input_tokens'), output_tokens: count(raw, 'output_tokens'), raw}
    case 'anthropic':
      return {
        input_tokens: count(raw, 'input_tokens') + count(raw, 'cache_creation_input_tokens') + count(raw, 'cache_read_input_tokens'),
        output_tokens: count(raw, 'output_tokens'),
        raw,
      }
    case 'gemini':
      return {
        input_tokens: count(raw, 'promptTokenCount'),
        output_tokens: count(raw, 'candidatesTokenCount') + count(raw, 'thoughtsTokenCount'),
        raw,
      }
  }
}
