/** Key under which this engine keeps Anthropic content-block data (position, thinking signature) in block metadata. */
export const ANTHROPIC_METADATA_KEY = 'anthropic'

export interface AnthropicBlockMetadata {
  index: number
  signature?: string
  redacted_data?: string
}
