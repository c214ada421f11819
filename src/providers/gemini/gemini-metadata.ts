/** Key under which this engine keeps Gemini part data (thought signatures, function call ids) in block metadata. */
export const GEMINI_METADATA_KEY = 'gemini'

export interface GeminiPartMetadata {
  thoughtSignature?: string
  /** The function call id Gemini sent, when it sent one (our block id is generated otherwise). */
  id?: string
}

/** finishReason / blockReason values that mean the model declined to answer. */
export const GEMINI_REFUSAL_REASONS = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY'])
