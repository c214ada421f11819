import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConfigError, loadEngineBuilder} from '../../src/engine/index.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-config-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('config validated completely at load', () => {
  it('a profile whose provider has no model is a load error naming the file and field', async () => {
    const path = join(dir, 'jiminy.yaml')
    await writeFile(path, 'profiles:\n  ok:\n    provider: {type: mock}\n  cloud:\n    provider: {type: openai-chat}\n')
    const error = await loadEngineBuilder({configPath: path, dataDir: false}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe('profiles.cloud.provider.model')
    expect((error as ConfigError).message).toContain(path)
    expect((error as ConfigError).message).toContain('needs a model')
  })

  it('a missing API key is not a load error (mock profiles still serve); it fails at run time with the variable named', async () => {
    const path = join(dir, 'keyless.yaml')
    await writeFile(path, 'profiles:\n  cloud:\n    provider: {type: openai-chat, model: m-1, api_key_env: NOT_SET_ANYWHERE}\n')
    const builder = await loadEngineBuilder({configPath: path, dataDir: false, env: {}})
    expect(() => builder.buildFromConfig('c', builder.buildConfig('cloud'))).toThrow(/NOT_SET_ANYWHERE/)
  })
})
