import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {jiminy} from './cli-process.js'

const PLUGIN = `export default ({definePlugin, defineMiddleware, defineSubscriber, z}) => definePlugin({
  name: 'unruly', version: '1.0.0',
  subscribers: [defineSubscriber({name: 'webhook', config: z.object({}).strict(), create: () => ({publish: async () => { throw new Error('webhook down') }})})],
  middlewares: [defineMiddleware({name: 'boom', config: z.object({}).strict(), create: () => { throw new Error('factory exploded') }})],
})
`
const profile = (extra: string) => `plugins: [./unruly.mjs]\nprofiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n    ${extra}\n`

describe('plugin failures on the command line', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jiminy-guards-cli-'))
    await writeFile(join(dir, 'unruly.mjs'), PLUGIN)
    await writeFile(join(dir, 'webhook.yaml'), profile('subscribers: [{name: webhook}]'))
    await writeFile(join(dir, 'boom.yaml'), profile('middlewares: [{name: boom}]'))
  })
  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('run: a rejecting subscriber is one stderr line naming it and its file; the answer still comes', async () => {
    const r = await jiminy(['run', '--config', join(dir, 'webhook.yaml'), 'hi'], {dataHome: dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('You asked: "hi"')
    const lines = r.stderr.split('\n').filter((l) => l.includes('subscriber webhook failed'))
    expect(lines).toEqual([
      `jiminy: subscriber webhook failed: webhook down (reported once; later failures are only counted) [${join(dir, 'unruly.mjs')}]`,
    ])
  })

  it('run: a middleware factory that throws is bad_plugin (exit 2) naming the file and the contribution, with and without --json', async () => {
    const text = await jiminy(['run', '--config', join(dir, 'boom.yaml'), 'hi'], {dataHome: dir})
    expect(text.code).toBe(2)
    const message = `${join(dir, 'unruly.mjs')}: middleware "boom" of plugin unruly: its factory (create) threw: factory exploded`
    expect(text.stderr.trim()).toBe(`jiminy: ${message}`)
    const json = await jiminy(['run', '--config', join(dir, 'boom.yaml'), 'hi', '--json'], {dataHome: dir})
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({error: {code: 'bad_plugin', message}})
  })

  it('serve: a middleware factory that throws stops the start with exit 2 (not a server that answers 500)', async () => {
    const r = await jiminy(['serve', '--config', join(dir, 'boom.yaml'), '--port', '0', '--store', 'memory', '--json'], {dataHome: dir})
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: {code: 'bad_plugin', message: expect.stringContaining('middleware "boom" of plugin unruly')},
    })
  })
})
