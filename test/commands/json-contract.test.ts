import {readFile} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {pluginDir} from '../plugins/plugin-files.js'
import {jiminy, root} from './cli-process.js'

/**
 * DESIGN §7 for every command: one bad input, run with and without `--json`, gives the same
 * message, the right stable code and the same exit code. Without `--json` the message is one line
 * `jiminy: <message>` on stderr and stdout is empty; with it `{"error": {code, message, field?}}` is
 * all of stdout and stderr is empty. A command missing from this table fails the last test.
 */
interface Case {
  readonly command: string
  readonly args: (ctx: Ctx) => string[]
  readonly code: string
  readonly exit: number
  readonly message: RegExp
  readonly field?: string
}
interface Ctx {
  dir: string
  busyPort: number
  closedPort: number
}

const CASES: Case[] = [
  {
    command: 'run',
    args: () => ['run'],
    code: 'bad_arg',
    exit: 2,
    message: /^missing argument PROMPT \(see `jiminy run --help`\)$/,
    field: 'prompt',
  },
  {
    command: 'run',
    args: () => ['run', '--profile', 'nope', 'hi'],
    code: 'not_found',
    exit: 2,
    message: /^unknown profile "nope" \(known: default, step\)$/,
    field: 'profile',
  },
  {
    command: 'run',
    args: () => ['run', '--bogus', 'hi'],
    code: 'bad_flag',
    exit: 2,
    message: /^unknown flag --bogus \(see `jiminy run --help`\)$/,
    field: 'bogus',
  },
  {
    command: 'run',
    args: () => ['run', '--provider', 'anthropic', '--model', 'm', 'hi'],
    code: 'missing_api_key',
    exit: 2,
    message: /^missing API key for provider anthropic: set the ANTHROPIC_API_KEY environment variable$/,
    field: 'provider.api_key_env',
  },
  {
    command: 'serve',
    args: () => ['serve', '--port', 'abc'],
    code: 'bad_flag',
    exit: 2,
    message: /^--port: expected an integer but received: abc \(see `jiminy serve --help`\)$/,
    field: 'port',
  },
  {
    command: 'serve',
    args: (c) => ['serve', '--port', String(c.busyPort)],
    code: 'port_in_use',
    exit: 2,
    message: /^port \d+ on 127\.0\.0\.1 is already in use; pick another with --port \(0 = any free port\)$/,
    field: 'port',
  },
  {
    command: 'serve',
    args: (c) => ['serve', '--port', '0', '--store', join(c.dir, 'broken.yaml')],
    code: 'bad_config',
    exit: 2,
    message: /^cannot open conversation store .*broken\.yaml: the file is not a SQLite database; /,
    field: 'store',
  },
  {
    command: 'tools list',
    args: () => ['tools', 'list', '-p', 'nope'],
    code: 'not_found',
    exit: 2,
    message: /^unknown profile "nope" \(known: default, step\)$/,
    field: 'profile',
  },
  {
    command: 'signature',
    args: () => ['signature', '-p', 'nope'],
    code: 'not_found',
    exit: 2,
    message: /^unknown profile "nope" \(known: default, step\)$/,
    field: 'profile',
  },
  {
    command: 'signature',
    args: () => ['signature', '--override', 'loop.max_iterations'],
    code: 'bad_config',
    exit: 2,
    message: /^overrides: expected key=value, got "loop.max_iterations"$/,
    field: 'overrides',
  },
  {
    command: 'diff',
    args: (c) => ['diff', 'default', `default+${join(c.dir, 'bad.json')}`],
    code: 'bad_config',
    exit: 2,
    message: /bad\.json: tools: Invalid input: expected array, received string$/,
    field: 'tools',
  },
  {
    command: 'explain',
    args: (c) => ['explain', 'conv-1', '--server', `http://127.0.0.1:${c.closedPort}`],
    code: 'unreachable',
    exit: 2,
    message: /^cannot reach http:\/\/127\.0\.0\.1:\d+: /,
    field: 'server',
  },
  {
    command: 'replay',
    args: (c) => ['replay', join(c.dir, 'nothing-here')],
    code: 'not_found',
    exit: 2,
    message: /^no fixture found at .*nothing-here$/,
    field: 'path',
  },
  {
    command: 'profiles list',
    args: (c) => ['profiles', 'list', '--config', join(c.dir, 'broken.yaml')],
    code: 'bad_config',
    exit: 2,
    message: /broken\.yaml: invalid YAML/,
  },
  {
    command: 'conversations list',
    args: (c) => ['conversations', 'list', '--store', join(c.dir, 'broken.yaml')],
    code: 'bad_config',
    exit: 2,
    message: /^cannot open conversation store .*broken\.yaml: the file is not a SQLite database; /,
    field: 'store',
  },
  {
    command: 'conversations show',
    args: () => ['conversations', 'show'],
    code: 'bad_arg',
    exit: 2,
    message: /^missing argument ID \(see `jiminy conversations show --help`\)$/,
    field: 'id',
  },
  {
    command: 'conversations delete',
    args: (c) => ['conversations', 'delete', 'conv-1', '--store', join(c.dir, 'nothing.db')],
    code: 'not_found',
    exit: 2,
    message: /^no conversation store at .*nothing\.db$/,
    field: 'store',
  },
  {
    command: 'conversations export',
    args: (c) => ['conversations', 'export', 'conv-1', '--server', `http://127.0.0.1:${c.closedPort}`],
    code: 'unreachable',
    exit: 2,
    message: /^cannot reach http:\/\/127\.0\.0\.1:\d+: /,
    field: 'server',
  },
  {
    command: 'record',
    args: () => ['record'],
    code: 'bad_flag',
    exit: 2,
    message: /^exactly one of the following must be provided: --from, --from-redis; .* \(see `jiminy record --help`\)$/,
    field: 'from',
  },
  // oclif's own commands (plugin-help, plugin-plugins) keep the contract through the init hook (src/cli/oclif-commands-hook.ts).
  {
    command: 'help',
    args: () => ['help', 'nope'],
    code: 'not_found',
    exit: 2,
    message: /^command nope not found \(see `jiminy --help`\)$/,
    field: 'command',
  },
  {
    command: 'plugins link',
    args: () => ['plugins', 'link', './nope'],
    code: 'not_found',
    exit: 2,
    message: /^plugin directory \.\/nope does not exist$/,
    field: 'path',
  },
  {
    command: 'plugins inspect',
    args: () => ['plugins', 'inspect', 'nope'],
    code: 'not_found',
    exit: 2,
    message: /^plugin nope is not installed \(see `jiminy plugins`\)$/,
    field: 'plugin',
  },
  {
    command: 'plugins uninstall',
    args: () => ['plugins', 'uninstall', 'nope'],
    code: 'not_found',
    exit: 2,
    message: /^plugin nope is not installed \(see `jiminy plugins`\)$/,
    field: 'plugin',
  },
]

let tmp: Awaited<ReturnType<typeof pluginDir>>
let busy: Server
let ctx: Ctx

beforeAll(async () => {
  tmp = await pluginDir('jiminy-json-contract-')
  await tmp.write('bad.json', JSON.stringify({tools: 'calc'}))
  await tmp.write('broken.yaml', 'profiles: [unclosed\n')
  busy = createServer()
  await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok))
  const closed = createServer()
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok))
  const closedPort = (closed.address() as {port: number}).port
  await new Promise<void>((ok) => closed.close(() => ok()))
  ctx = {dir: tmp.dir, busyPort: (busy.address() as {port: number}).port, closedPort}
})
afterAll(async () => {
  busy.close()
  await tmp.cleanup()
})

// Keys unset so a developer's shell cannot change the answers.
const env = {ANTHROPIC_API_KEY: '', JIMINY_CONFIG: '', JIMINY_PROFILE: '', JIMINY_PORT: '', JIMINY_SERVER: '', JIMINY_STORE: ''}

describe('every command: a bad input gives the same message, code and exit code with and without --json', () => {
  const names: Ctx = {dir: '<tmp>', busyPort: '<busy>' as unknown as number, closedPort: '<closed>' as unknown as number}
  it.each(CASES.map((c) => [c.command, c.args(names).slice(c.command.split(' ').length).join(' '), c] as const))(
    '%s %s',
    async (_command, _args, c) => {
      const args = c.args(ctx)
      const [plain, json] = await Promise.all([
        jiminy(args, {dataHome: tmp.dir, cwd: tmp.dir, env}),
        jiminy([...args, '--json'], {dataHome: tmp.dir, cwd: tmp.dir, env}),
      ])
      expect(plain.stdout).toBe('')
      const stderr = plain.stderr.trimEnd()
      expect(stderr.split('\n'), stderr).toHaveLength(1)
      expect(stderr).toMatch(/^jiminy: /)
      const message = stderr.slice('jiminy: '.length)
      expect(message).toMatch(c.message)
      expect(plain.code).toBe(c.exit)

      expect(json.stderr).toBe('')
      const out = JSON.parse(json.stdout) as {error: {code: string; message: string; field?: string}}
      expect(Object.keys(out)).toEqual(['error'])
      expect(out.error).toEqual({code: c.code, message, ...(c.field ? {field: c.field} : {})})
      expect(json.code).toBe(c.exit)
      // never a dump of oclif's config or a stack
      expect(json.stdout.length).toBeLessThan(1000)
    },
  )

  it('the table covers every command the CLI lists', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    const listed = Object.keys(manifest.commands).map((id) => id.replaceAll(':', ' '))
    expect(listed.filter((id) => !CASES.some((c) => c.command === id))).toEqual([])
  })
})

describe('every command takes -h', () => {
  it.each([
    'run',
    'serve',
    'signature',
    'diff',
    'explain',
    'replay',
    'profiles list',
    'tools list',
    'record',
    'conversations list',
    'conversations show',
    'conversations delete',
    'conversations export',
  ])('%s -h', async (command) => {
    const r = await jiminy([...command.split(' '), '-h'], {dataHome: tmp.dir, cwd: tmp.dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`$ jiminy ${command}`)
    expect(r.stdout).toMatch(/-h, --help\s+Show this help\./)
  })
})

describe("oclif's own commands", () => {
  it('--json on one that has no JSON output is a bad_flag in one line, not a usage dump', async () => {
    const r = await jiminy(['help', 'run', '--json'], {dataHome: tmp.dir, cwd: tmp.dir, env})
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toEqual({
      error: {code: 'bad_flag', message: '`jiminy help` has no --json output; run it without --json', field: 'json'},
    })
  })

  it('a folder without package.json is refused before oclif links it', async () => {
    const r = await jiminy(['plugins', 'link', tmp.dir], {dataHome: tmp.dir, cwd: tmp.dir, env})
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(`jiminy: ${tmp.dir} has no package.json: a plugin folder is an npm package`)
  })

  it('what works still works: help of a command, the plugin list as JSON', async () => {
    const help = await jiminy(['help', 'signature'], {dataHome: tmp.dir, cwd: tmp.dir, env})
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('$ jiminy signature')
    const list = await jiminy(['plugins', '--json'], {dataHome: tmp.dir, cwd: tmp.dir, env})
    expect(list.code).toBe(0)
    expect(Array.isArray(JSON.parse(list.stdout))).toBe(true)
  })
})
