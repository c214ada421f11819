import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {pluginDir} from '../plugins/plugin-files.js'
import {jiminy} from './cli-process.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
beforeAll(async () => {
  tmp = await pluginDir('jiminy-profiles-')
  await tmp.write(
    'jiminy.yaml',
    `default_profile: writer\nprofiles:\n  writer:\n    description: long-form help\n    provider: {type: anthropic, model: claude-x}\n`,
  )
})
afterAll(() => tmp.cleanup())

describe('jiminy profiles list', () => {
  it('lists the config profiles and the built-ins, marking the default', async () => {
    const r = await jiminy(['profiles', 'list'], {dataHome: tmp.dir, cwd: tmp.dir})
    expect(r.code).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines.map((l) => l.slice(0, 9).trim())).toEqual(['default', 'step', '* writer'])
    expect(lines[2]).toMatch(/^\* writer +[0-9a-f]{12} {2}anthropic\/claude-x {2}long-form help$/)
  })

  it('--json', async () => {
    const r = await jiminy(['profiles', 'list', '--json'], {dataHome: tmp.dir, cwd: tmp.dir})
    const list = JSON.parse(r.stdout)
    expect(list.map((p: {slug: string}) => p.slug)).toEqual(['default', 'step', 'writer'])
    expect(list[2]).toMatchObject({
      slug: 'writer',
      default: true,
      provider: 'anthropic/claude-x',
      description: 'long-form help',
      step_mode: false,
    })
  })
})
