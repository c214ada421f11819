import {createHash} from 'node:crypto'
import {z} from 'zod'
import {canonicalJson} from '../../core/index.js'

/** What a server says about one of its tools (`tools/list`), as jiminy keeps and records it. */
export const McpToolInfoSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    inputSchema: z.record(z.string(), z.unknown()),
  })
  .loose()
export type McpToolInfo = z.infer<typeof McpToolInfoSchema>

/** `sha256:<16 hex>` of what the model is offered (description + input schema): a change rebuilds. */
export function toolSchemaHash(tool: McpToolInfo): string {
  const text = canonicalJson({description: tool.description ?? '', input_schema: tool.inputSchema})
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`
}

/** Only what the model and the signature depend on, so a recording holds no server-only extras. */
export function keptToolInfo(tool: McpToolInfo): McpToolInfo {
  return {name: tool.name, ...(tool.description !== undefined ? {description: tool.description} : {}), inputSchema: tool.inputSchema}
}
