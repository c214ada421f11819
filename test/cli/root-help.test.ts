import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {rootHelpText} from '../../src/cli/root-help.js'
import {root} from '../commands/cli-process.js'

// The root help fast path (bin/run.js → src/cli/root-help.ts) against oclif's own rendering of the
// same command line (JIMINY_ROOT_HELP=oclif), byte for byte, across widths and colour settings.
let home: string
let env: NodeJS.ProcessEnv
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'jiminy-root-help-'))
  env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    JIMINY_DATA_DIR: '',
    JIMINY_CONFIG_DIR: '',
    OCLIF_COLUMNS: '',
    NO_COLOR: '',
    FORCE_COLOR: '0',
  }
})
afterAll(() => rmSync(home, {recursive: true, force: true}))

function jiminy(args: string[], extra: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bin/run.js'), ...args],
      {cwd: home, env: {...env, ...extra}, timeout: 60_000},
      (error, stdout, stderr) => done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr}),
    )
  })
}

async function both(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const [fast, oclif] = await Promise.all([jiminy(args, extra), jiminy(args, {...extra, JIMINY_ROOT_HELP: 'oclif'})])
  return {fast, oclif}
}

describe('root help fast path', () => {
  it('takes the fast path in a clean environment', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) expect(rootHelpText(root, argv, env)).toContain('COMMANDS')
  })

  it.each([[[]], [['--help']], [['-h']], [['help']]])(
    'jiminy %j prints what oclif prints',
    async (args) => {
      const {fast, oclif} = await both(args)
      expect(oclif.code).toBe(0)
      expect(oclif.stdout).toContain('TOPICS')
      expect(fast).toEqual(oclif)
    },
    60_000,
  )

  it.each([
    ['30', '0'],
    ['40', '1'],
    ['57', '0'],
    ['123', '1'],
    ['250', '0'],
  ])(
    'OCLIF_COLUMNS=%s FORCE_COLOR=%s: the same bytes, wrapping and bold headers included',
    async (columns, colour) => {
      const {fast, oclif} = await both(['--help'], {OCLIF_COLUMNS: columns, FORCE_COLOR: colour})
      expect(oclif.stdout.includes('\u001b[1m')).toBe(colour === '1')
      expect(fast.stdout).toBe(oclif.stdout)
    },
    60_000,
  )

  it('leaves help to oclif when user plugins, a theme or other arguments are present', () => {
    expect(rootHelpText(root, ['--help', 'signature'], env)).toBeUndefined()
    expect(rootHelpText(root, ['--version'], env)).toBeUndefined()
    const data = join(home, 'plugins-data')
    mkdirSync(join(data, 'jiminy'), {recursive: true})
    writeFileSync(join(data, 'jiminy', 'package.json'), '{"oclif": {"plugins": ["my-plugin"]}}')
    expect(rootHelpText(root, ['--help'], {...env, XDG_DATA_HOME: data})).toBeUndefined()
    expect(rootHelpText(root, ['--help'], {...env, JIMINY_DATA_DIR: join(data, 'jiminy')})).toBeUndefined()
    const config = join(home, 'themed')
    mkdirSync(join(config, 'jiminy'), {recursive: true})
    writeFileSync(join(config, 'jiminy', 'theme.json'), '{"sectionHeader": "red"}')
    expect(rootHelpText(root, ['--help'], {...env, XDG_CONFIG_HOME: config})).toBeUndefined()
  })

  it('command help stays with oclif: `jiminy signature -h`', async () => {
    const result = await jiminy(['signature', '-h'], {})
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Print a profile's canonical engine config/)
    expect(result.stdout).toContain('--override')
  }, 60_000)
})
