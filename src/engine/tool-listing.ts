import type {JsonSchema} from '../core/index.js'
import type {EngineBuilder} from './engine-builder.js'
import {resolveProfileTools} from './profile-tools.js'

/** One tool a profile offers, as `jiminy tools list` prints it. */
export interface ToolListing {
  readonly name: string
  /** `builtin (jiminy-builtins)`, `FILE (plugin)` or `mcp:SERVER`. */
  readonly source: string
  readonly description: string
  /** The JSON Schema the provider is offered, as it is. */
  readonly input_schema: JsonSchema
}

/** Every tool of `profile` (default: the config's default profile), in the profile's order, with its source and schema. */
export async function listProfileTools(builder: EngineBuilder, profile?: string): Promise<{profile: string; tools: ToolListing[]}> {
  const slug = profile ?? builder.config.default_profile
  const entries = builder.profile(slug).tools
  await builder.prepare(slug)
  const {tools} = resolveProfileTools(entries, builder.catalog, builder.mcp, `profiles.${slug}.tools`)
  return {
    profile: slug,
    tools: tools.map((t) => ({
      name: t.name,
      source: t.source,
      description: t.mcp ? (t.mcp.info.description ?? '') : (t.plugin?.item.description ?? ''),
      input_schema: t.mcp ? t.mcp.info.inputSchema : (t.plugin?.item.parameters ?? {}),
    })),
  }
}
