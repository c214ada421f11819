#!/usr/bin/env node
// Writes the JSON Schemas the package ships, generated with zod's z.toJSONSchema from the zod
// schemas the code validates with (read from the built dist/, so run `npm run build` first):
//   schema/jiminy.schema.json        the config file (jiminy.yaml), as a user writes it (defaults optional)
//   schema/fixture-line.schema.json  one line of a fixture .jsonl
// `--check` writes nothing and exits 1 naming each stale file (the test and CI use it).
import {readFile, writeFile, mkdir} from 'node:fs/promises'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {z} from 'zod'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const SCHEMA_BASE = 'https://unpkg.com/jiminy-harness/schema/'

/** The schema files and their text, generated from `lib` (default: the built dist/index.js). */
export async function schemaFiles(lib) {
  lib ??= await import(pathToFileURL(join(root, 'dist/index.js')).href)
  return [
    {
      path: 'schema/jiminy.schema.json',
      schema: generate(lib.ConfigFileSchema, {
        $id: `${SCHEMA_BASE}jiminy.schema.json`,
        title: 'jiminy.yaml',
        description: 'The jiminy config file: profiles, local plugins, bus. Generated from ConfigFileSchema (src/engine/profiles.ts).',
      }),
    },
    {
      path: 'schema/fixture-line.schema.json',
      schema: generate(lib.FixtureLineSchema, {
        $id: `${SCHEMA_BASE}fixture-line.schema.json`,
        title: 'jiminy fixture line',
        description:
          'One line of a jiminy fixture (.jsonl): one bus message as the StreamCoordinator consumed it. Generated from FixtureLineSchema (src/fixtures/fixture-line.ts).',
      }),
    },
  ].map(({path, schema}) => ({path, text: JSON.stringify(schema, null, 2) + '\n'}))
}

function generate(zodSchema, head) {
  const body = z.toJSONSchema(zodSchema, {
    target: 'draft-2020-12',
    // What a user writes: fields with defaults are optional.
    io: 'input',
    // z.custom (a fixture line's payload: "a JSON object") has no JSON Schema of its own.
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'custom')
        Object.assign(ctx.jsonSchema, {type: 'object', description: 'the event, as a JSON object'})
    },
  })
  const {$schema, ...rest} = body
  return {$schema, ...head, ...rest}
}

async function main() {
  const check = process.argv.includes('--check')
  const stale = []
  for (const {path, text} of await schemaFiles()) {
    const target = join(root, path)
    const current = await readFile(target, 'utf8').catch(() => undefined)
    if (current === text) continue
    if (check) stale.push(path)
    else {
      await mkdir(dirname(target), {recursive: true})
      await writeFile(target, text)
      console.log(`wrote ${relative(process.cwd(), target) || path}`)
    }
  }
  if (stale.length > 0) {
    console.error(`stale JSON Schema: ${stale.join(', ')} (run \`npm run build && npm run schemas\` and commit)`)
    process.exitCode = 1
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
