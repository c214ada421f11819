import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {pluginDir} from '../plugins/plugin-files.js'
import {jiminy} from './cli-process.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
let configPath: string
beforeAll(async () => {
  tmp = await pluginDir('jiminy-env-flags-')
  configPath = await tmp.write('elsewhere.yaml', 'profiles:\n  from-env:\n    provider: {type: mock, model: env-model}\n')
})
afterAll(() => tmp.cleanup())

const run = (args: string[], env: NodeJS.ProcessEnv) => jiminy(args, {dataHome: tmp.dir, cwd: tmp.dir, env})

describe('flags users set per shell read their JIMINY_* variable; the flag wins', () => {
  it('JIMINY_CONFIG and JIMINY_PROFILE (signature, run, profiles list)', async () => {
    const env = {JIMINY_CONFIG: configPath, JIMINY_PROFILE: 'from-env'}
    const sig = await run(['signature', '--json'], env)
    expect(sig.code, sig.stderr).toBe(0)
    expect(JSON.parse(sig.stdout)).toMatchObject({profile: 'from-env', config: {provider: {model: 'env-model'}}})
    const flagWins = await run(['signature', '--json', '-p', 'default'], env)
    expect(JSON.parse(flagWins.stdout)).toMatchObject({profile: 'default'})
    const runOut = await run(['run', '--json', 'hi'], env)
    expect(JSON.parse(runOut.stdout).events.find((e: {type: string}) => e.type === 'final').meta.model).toBe('env-model')
    const list = await run(['profiles', 'list', '--json'], env)
    expect(JSON.parse(list.stdout).map((p: {slug: string}) => p.slug)).toContain('from-env')
  })

  it('JIMINY_SERVER (explain)', async () => {
    const r = await run(['explain', 'c1', '--json'], {JIMINY_SERVER: 'http://127.0.0.1:9'})
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error).toMatchObject({code: 'unreachable', message: expect.stringContaining('http://127.0.0.1:9')})
  })
})

describe('jiminy run colour', () => {
  it('FORCE_COLOR colours the output without a terminal; NO_COLOR wins', async () => {
    const forced = await run(['run', 'what is 2+3? /tool'], {NO_COLOR: '', FORCE_COLOR: '1'})
    expect(forced.stdout).toContain('\u001b[36m→ tool call calc')
    const none = await run(['run', 'what is 2+3? /tool'], {NO_COLOR: '1', FORCE_COLOR: '1'})
    expect(none.stdout).toContain('→ tool call calc')
    expect(none.stdout).not.toContain('\u001b[')
  })
})
