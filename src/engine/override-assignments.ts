import {ConfigError} from './config-error.js'
import {EngineOverridesSchema, type EngineOverrides} from './overrides.js'

/**
 * `--override key=value` flags as EngineOverrides. `key` is a dotted path (`provider.model`,
 * `loop.max_iterations`, `system_prompt`); `value` is JSON when it parses (`3`, `true`, `null`,
 * `["calc"]`), else the literal string. Throws ConfigError naming the field.
 */
export function parseOverrideAssignments(assignments: readonly string[]): EngineOverrides {
  const out: Record<string, unknown> = {}
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=')
    if (eq <= 0) throw new ConfigError(`expected key=value, got ${JSON.stringify(assignment)}`, 'overrides')
    const path = assignment.slice(0, eq).split('.')
    if (path.some((p) => !/^[a-z_][a-z0-9_]*$/i.test(p)))
      throw new ConfigError(`bad key ${JSON.stringify(assignment.slice(0, eq))}`, 'overrides')
    let target = out
    for (const key of path.slice(0, -1)) {
      const next = target[key]
      target = (next && typeof next === 'object' && !Array.isArray(next) ? next : (target[key] = {})) as Record<string, unknown>
    }
    target[path.at(-1)!] = jsonOrString(assignment.slice(eq + 1))
  }
  const parsed = EngineOverridesSchema.safeParse(out)
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, 'overrides')
  return parsed.data
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
