/** Key under which this engine keeps Responses item data in block metadata (item ids, positions, encrypted reasoning). */
export const RESPONSES_METADATA_KEY = 'openai_responses'

export interface ResponsesItemMetadata {
  item_id?: string
  output_index: number
  encrypted_content?: string
  summary?: {type: 'summary_text'; text: string}[]
}
