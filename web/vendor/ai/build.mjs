// Bundles entry.mjs into ai-sdk.js with the rolldown that vite ships (node_modules/.bin/rolldown).
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'rolldown'

const here = dirname(fileURLToPath(import.meta.url))
const version = JSON.parse(readFileSync(join(here, '../../../node_modules/ai/package.json'), 'utf8')).version
await build({
  input: join(here, 'entry.mjs'),
  platform: 'browser',
  output: {file: join(here, 'ai-sdk.js'), format: 'esm', minify: true, banner: `/*! ai ${version} (Apache-2.0) and its dependencies; licenses in LICENSE */`},
})
console.log(`web/vendor/ai/ai-sdk.js: ai ${version}`)
