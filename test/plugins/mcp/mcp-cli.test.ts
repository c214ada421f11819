import {writeFileSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {jiminy} from '../../commands/cli-process.js'
import {startHttpMcpServer, type HttpMcpServer} from './http-server.js'
import {scratch, stdioServerYaml} from './mcp-fixtures.js'

const KEY = 'mcp-secret-value-123456'
let http: HttpMcpServer
let dir: ReturnType<typeof scratch>

beforeAll(async () => {
  http = await startHttpMcpServer()
  dir = scratch()
  writeFileSync(
    dir.path('jiminy.yaml'),
    `mcp_servers:
  math: {url: "${http.url}", headers: {X-Api-Key: "\${MATH_KEY}"}}
  files: ${stdioServerYaml({MCP_START_LOG: dir.path('starts')})}
  files2: ${stdioServerYaml()}
  down: ${stdioServerYaml({MCP_FAIL_START: '1'})}
profiles:
  both: {tools: [mcp:math, mcp:files/echo, calc]}
  broken: {tools: [mcp:down]}
  missing: {tools: [mcp:files/nope]}
`,
  )
})
afterAll(async () => {
  await http.close()
  dir.cleanup()
})

const run = (args: string[]) => jiminy(args, {dataHome: dir.dir, cwd: dir.dir, env: {MATH_KEY: KEY}})

describe('jiminy tools list and signature with MCP servers (Streamable HTTP and stdio, the built CLI)', {timeout: 90_000}, () => {
  it('tools list --json: every tool with its source and the schema its server gives; the process exits', async () => {
    const r = await run(['tools', 'list', '--profile', 'both', '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const listed = JSON.parse(r.stdout) as {profile: string; tools: {name: string; source: string; input_schema: unknown}[]}
    expect(listed.profile).toBe('both')
    expect(listed.tools.map((t) => [t.name, t.source])).toEqual([
      ['multiply', 'mcp:math'],
      ['slow', 'mcp:math'],
      ['echo', 'mcp:files'],
      ['calc', 'builtin (jiminy-builtins)'],
    ])
    expect(listed.tools[0]?.input_schema).toMatchObject({
      type: 'object',
      properties: {x: {type: 'number'}, y: {type: 'number'}},
      required: ['x', 'y'],
    })
    // The header's value came from the environment and reached the server.
    expect(http.headers.some((h) => h['x-api-key'] === KEY)).toBe(true)
    expect(dir.lines('starts').length).toBeGreaterThan(0)
  })

  it('tools list prints one line a tool', async () => {
    const r = await run(['tools', 'list', '--profile', 'both'])
    expect(r.code).toBe(0)
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'multiply  mcp:math                   Multiply two numbers.',
      'slow      mcp:math                   Answers after 30 s.',
      'echo      mcp:files                  Echo a text.',
      'calc      builtin (jiminy-builtins)  Evaluate an arithmetic expression with + - * / % ^ and parentheses.',
    ])
  })

  it("the signature holds each server's identity and tool hashes, never the header's value", async () => {
    const r = await run(['signature', '--profile', 'both', '--json'])
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain(KEY)
    const {config} = JSON.parse(r.stdout) as {
      config: {tools: string[]; mcp: Record<string, {server: unknown; tools: Record<string, string>}>}
    }
    expect(config.tools).toEqual(['multiply', 'slow', 'echo', 'calc'])
    expect(config.mcp.math?.server).toEqual({
      transport: 'streamable-http',
      url: http.url,
      headers: ['X-Api-Key'],
      server_info: {name: 'test-math', version: '2.0.0'},
    })
    expect(Object.keys(config.mcp.math?.tools ?? {})).toEqual(['multiply', 'slow'])
    expect(config.mcp.math?.tools.multiply).toMatch(/^sha256:[0-9a-f]{16}$/)
    expect(config.mcp.files?.server).toMatchObject({
      transport: 'stdio',
      command: process.execPath,
      server_info: {name: 'test-files', version: '1.0.0'},
    })
    expect(Object.keys(config.mcp.files?.tools ?? {})).toEqual(['echo'])
  })

  it('two tools of one name are a config error naming both sources', async () => {
    const file = dir.path('clash.yaml')
    writeFileSync(
      file,
      `mcp_servers:\n  files: ${stdioServerYaml()}\n  files2: ${stdioServerYaml()}\nprofiles:\n  clash: {tools: [mcp:files/add, mcp:files2]}\n`,
    )
    const r = await run(['signature', '--config', file, '--profile', 'clash', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'bad_config',
        field: 'profiles.clash.tools.1',
        message: `${file}: profiles.clash.tools.1: tool name clash: "add" is provided by both mcp:files and mcp:files2`,
      },
    })
  })

  it('a server that will not start: one error naming it, exit 2; a missing tool names what the server offers', async () => {
    const broken = await run(['tools', 'list', '--profile', 'broken', '--json'])
    expect(broken.code).toBe(2)
    expect(JSON.parse(broken.stdout)).toEqual({
      error: {
        code: 'mcp_server',
        message: 'mcp server down: would not start: it exited before answering (stderr: cannot open the database: permission denied)',
      },
    })
    const missing = await run(['tools', 'list', '--profile', 'missing'])
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim()).toBe(
      'jiminy: mcp server files: has no tool "nope" (it offers: add, echo, fail, crash, hang, garbage, grow)',
    )
  })

  it('profiles list still lists a profile whose server is down, saying why', async () => {
    const r = await run(['profiles', 'list', '--json'])
    expect(r.code).toBe(0)
    const broken = (JSON.parse(r.stdout) as {slug: string}[]).find((p) => p.slug === 'broken')
    expect(broken).toMatchObject({signature: 'unavailable', problem: expect.stringMatching(/^mcp server down: would not start/)})
  })
})
