import {spawn, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {jiminy, root} from './cli-process.js'

const hasScript = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0

describe('a misspelt command', () => {
  it('without a terminal: names it and exits 127', async () => {
    const r = await jiminy(['sigature'], {dataHome: root})
    expect(r.code).toBe(127)
    expect(r.stderr).toContain('sigature is not a jiminy command')
  })

  it.runIf(hasScript)('on a terminal: @oclif/plugin-not-found offers the closest command', async () => {
    const child = spawn('script', ['-qfec', `${process.execPath} ${join(root, 'bin/run.js')} sigature`, '/dev/null'], {
      cwd: root,
      env: {...process.env, NO_COLOR: '1'},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let answered = false
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (!answered && out.includes('(Y/n)')) {
        answered = true
        child.stdin.write('n\r')
      }
    })
    const code = await new Promise<number | null>((r) => child.on('exit', r))
    expect(out).toContain('Did you mean signature?')
    expect(code).toBe(127)
  })
})
