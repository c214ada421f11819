import {McpServerError} from '../plugins/index.js'
import type {EngineBuilder} from './engine-builder.js'
import {signatureOf} from './engine-config.js'

export interface ProfileSummary {
  readonly slug: string
  readonly default: boolean
  readonly description: string
  readonly default_prompt: string
  /** `type/model`. */
  readonly provider: string
  /** Its signature hash, or `unavailable` when an MCP server it takes tools from cannot be reached (`problem` says why). */
  readonly signature: string
  readonly step_mode: boolean
  readonly problem?: string
}

/** Every profile, sorted by slug, with its signature hash. */
export function listProfiles(builder: EngineBuilder): ProfileSummary[] {
  return Object.keys(builder.config.profiles)
    .sort()
    .map((slug) => {
      const profile = builder.profile(slug)
      return {
        slug,
        default: slug === builder.config.default_profile,
        description: profile.description,
        default_prompt: profile.default_prompt,
        provider: `${profile.provider.type}${profile.provider.model ? `/${profile.provider.model}` : ''}`,
        step_mode: profile.step_mode,
        ...signatureOrProblem(builder, slug),
      }
    })
}

function signatureOrProblem(builder: EngineBuilder, slug: string): {signature: string; problem?: string} {
  try {
    return {signature: signatureOf(builder.buildConfig(slug)).hash}
  } catch (error) {
    if (McpServerError.isInstance(error)) return {signature: 'unavailable', problem: error.message}
    throw error
  }
}
