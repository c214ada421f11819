import {readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {ConfigFileSchema, FixtureLineSchema, loadConfig, parseFixtureLine} from '../../src/index.js'

const root = resolve(import.meta.dirname, '../..')

interface SchemaFile {
  path: string
  text: string
}

async function generated(): Promise<SchemaFile[]> {
  const script = (await import(pathToFileURL(join(root, 'scripts/generate-schemas.js')).href)) as {
    schemaFiles(lib: unknown): Promise<SchemaFile[]>
  }
  // From the sources, so a schema change shows here even before a build.
  return script.schemaFiles({ConfigFileSchema, FixtureLineSchema})
}

describe('shipped JSON Schemas', () => {
  it('schema/*.schema.json are what z.toJSONSchema makes of the zod schemas today (else run `npm run build && npm run schemas`)', async () => {
    const files = await generated()
    expect(files.map((f) => f.path)).toEqual(['schema/jiminy.schema.json', 'schema/fixture-line.schema.json'])
    for (const file of files) {
      const committed = await readFile(join(root, file.path), 'utf8').catch(() => '(missing)')
      expect(committed, `${file.path} is stale: run \`npm run build && npm run schemas\` and commit it`).toBe(file.text)
    }
  })

  it('the config schema describes what a user writes: strict objects, defaults optional, profile names as slugs', async () => {
    const schema = JSON.parse(await readFile(join(root, 'schema/jiminy.schema.json'), 'utf8'))
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.additionalProperties).toBe(false)
    expect(schema.required ?? []).toEqual([])
    expect(Object.keys(schema.properties)).toEqual(Object.keys(ConfigFileSchema.shape))
    const profile = schema.properties.profiles.additionalProperties
    expect(profile.additionalProperties).toBe(false)
    expect(profile.properties.provider.properties.type.enum).toContain('openai-compatible')
    expect(schema.properties.profiles.propertyNames.pattern).toBe('^[a-z0-9][a-z0-9_-]{0,63}$')
  })

  it('the fixture-line schema requires topic and payload, and every shipped fixture line has them', async () => {
    const schema = JSON.parse(await readFile(join(root, 'schema/fixture-line.schema.json'), 'utf8'))
    expect(schema.required).toEqual(['topic', 'payload'])
    expect(schema.properties.payload.type).toBe('object')
    const text = await readFile(join(root, 'fixtures/plain-text.jsonl'), 'utf8')
    for (const line of text.split('\n').filter(Boolean)) {
      expect(parseFixtureLine(line).ok).toBe(true)
      expect(Object.keys(JSON.parse(line)).every((k) => k in schema.properties)).toBe(true)
    }
  })

  it('examples/jiminy.yaml names the schema on its first line and loads', async () => {
    const path = join(root, 'examples/jiminy.yaml')
    const first = (await readFile(path, 'utf8')).split('\n')[0]
    expect(first).toBe('# yaml-language-server: $schema=../schema/jiminy.schema.json')
    const {config} = loadConfig({path})
    expect(Object.keys(config.profiles)).toEqual(expect.arrayContaining(['default', 'step', 'plugin']))
  })

  it('package.json exports both schemas', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
    expect(pkg.exports['./schema/jiminy.schema.json']).toBe('./schema/jiminy.schema.json')
    expect(pkg.exports['./schema/fixture-line.schema.json']).toBe('./schema/fixture-line.schema.json')
    expect(pkg.files).toContain('schema')
  })
})
