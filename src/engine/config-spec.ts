import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {z} from 'zod'
import {ConfigError} from './config-error.js'
import type {EngineBuilder} from './engine-builder.js'
import {EngineConfigSchema, signatureOf, type EngineConfig, type Signature} from './engine-config.js'
import {EngineOverridesSchema} from './overrides.js'

/** One side of `jiminy diff`, resolved. */
export interface ResolvedSpec {
  readonly spec: string
  readonly config: EngineConfig
  readonly signature: Signature
}

/** What `jiminy signature --json` prints; a saved one can stand for its config. */
const SignatureFileSchema = z.object({hash: z.string(), config: z.record(z.string(), z.unknown())}).loose()

/**
 * A config spec: a JSON file (an EngineConfig, or `jiminy signature --json` output), `PROFILE`, or
 * `PROFILE+overrides.json`. An existing file wins over a profile of the same name.
 */
export function resolveConfigSpec(spec: string, builder: EngineBuilder, cwd = process.cwd()): ResolvedSpec {
  const asFile = resolve(cwd, spec)
  if (existsSync(asFile) && !Object.hasOwn(builder.config.profiles, spec)) return done(spec, configFromFile(asFile))
  const plus = spec.indexOf('+')
  if (plus < 0) return done(spec, builder.buildConfig(spec))
  const profile = spec.slice(0, plus)
  const file = resolve(cwd, spec.slice(plus + 1))
  const parsed = EngineOverridesSchema.safeParse(readJson(file))
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, '', file)
  return done(spec, builder.buildConfig(profile, parsed.data))
}

function done(spec: string, config: EngineConfig): ResolvedSpec {
  return {spec, config, signature: signatureOf(config)}
}

function configFromFile(file: string): EngineConfig {
  const json = readJson(file)
  const saved = SignatureFileSchema.safeParse(json)
  const candidate = saved.success ? saved.data.config : json
  const parsed = EngineConfigSchema.safeParse(candidate)
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, saved.success ? 'config' : '', file)
  return parsed.data
}

function readJson(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`,
      '',
      file,
    )
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`invalid JSON: ${(error as Error).message}`, '', file)
  }
}
