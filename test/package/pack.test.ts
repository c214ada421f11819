// The done-when test of issue 11: what is committed packs, installs and works as a dependency.
// `git archive HEAD` (commit first: this tests HEAD, not the work tree) → `npm ci` (prepare builds
// dist/) → README's tour, line by line → `npm pack` (prepack builds dist/, the manifest and the
// schemas) → `npm install <tarball>` into a fresh project → its CLI, and a vitest file there that
// imports the library and `/testing` entries. Slow (registry, native build of better-sqlite3).
import {execFile, spawn, type ChildProcess} from 'node:child_process'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const MINUTE = 60_000

interface Result {
  code: number
  stdout: string
  stderr: string
}

let work: string
let clone: string
let env: NodeJS.ProcessEnv

function sh(command: string, cwd: string, timeout = 20 * MINUTE): Promise<Result> {
  return new Promise((done) => {
    execFile('bash', ['-c', command], {cwd, env, timeout, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) =>
      done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr}),
    )
  })
}

async function ok(command: string, cwd: string, timeout?: number): Promise<Result> {
  const result = await sh(command, cwd, timeout)
  expect(result.code, `\`${command}\` in ${cwd} exited ${result.code}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`).toBe(
    0,
  )
  return result
}

const NPM_QUIET = '--no-audit --no-fund --prefer-offline'

/** better-sqlite3's compiled addon from this checkout into `project`'s node_modules, when the versions match; else it is built there. */
async function nativeBuildInto(project: string): Promise<void> {
  const version = async (dir: string) =>
    (JSON.parse(await readFile(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {version: string}).version
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
  if ((await version(root)) === (await version(project)))
    await ok(`mkdir -p ${JSON.stringify(dirname(addon))} && cp ${JSON.stringify(join(root, addon))} ${JSON.stringify(addon)}`, project)
  else await ok('npm rebuild better-sqlite3', project)
  await ok(`node -e "new (require('better-sqlite3'))(':memory:').close()"`, project)
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'jiminy-pack-'))
  clone = join(work, 'clone')
  await mkdir(clone)
  await mkdir(join(work, 'data'))
  // The developer's own plugins and colours never leak in.
  env = {
    ...process.env,
    XDG_DATA_HOME: join(work, 'data'),
    JIMINY_DATA_DIR: '',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    npm_config_update_notifier: 'false',
  }
  delete env.VITEST
  delete env.VITEST_POOL_ID
  delete env.VITEST_WORKER_ID
  delete env.NODE_OPTIONS
  await ok(`git -C ${JSON.stringify(root)} archive HEAD | tar -x -C ${JSON.stringify(clone)}`, work)
  // `npm ci` runs prepare (the build); scripts are skipped so better-sqlite3 is not compiled again
  // (minutes on this machine): its native build is taken from this checkout (same lockfile, same Node).
  await ok(`npm ci ${NPM_QUIET} --ignore-scripts`, clone)
  await nativeBuildInto(clone)
  await ok('npm run prepare', clone)
}, 25 * MINUTE)
afterAll(() => (work ? rm(work, {recursive: true, force: true}) : undefined))

describe('the package from a clean git archive of HEAD', () => {
  it(
    'npm pack ships dist, schemas, fixtures and examples; npm install of the tarball gives a working CLI and library',
    async () => {
      const packed = await ok(`npm pack --json --pack-destination ${JSON.stringify(work)}`, clone)
      const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
        filename: string
        size: number
        unpackedSize: number
        entryCount: number
        files: {path: string}[]
      }[]
      const files = info!.files.map((f) => f.path)
      for (const expected of [
        'bin/run.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/plugins/plugin-entry.d.ts',
        'dist/testing/index.js',
        'dist/testing/index.d.ts',
        'schema/jiminy.schema.json',
        'schema/fixture-line.schema.json',
        'fixtures/plain-text.jsonl',
        'examples/jiminy.yaml',
        'examples/cassettes/word-count/0001-openai-chat-ed808911fed1.json',
        'oclif.manifest.json',
        'web/index.html',
      ])
        expect(files).toContain(expected)
      expect(files.filter((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/'))).toEqual([])

      const app = join(work, 'app')
      await mkdir(app)
      await writeFile(join(app, 'package.json'), JSON.stringify({name: 'jiminy-consumer', version: '1.0.0', private: true, type: 'module'}))
      await ok(`npm install ${NPM_QUIET} --ignore-scripts ${JSON.stringify(join(work, info!.filename))}`, app)
      await nativeBuildInto(app)
      const du = await ok('du -sk node_modules && du -sk node_modules/jiminy-harness', app)
      const [installKb, packageKb] = du.stdout.split('\n').map((line) => Number(line.split(/\s+/)[0]))
      const sizes = {
        tarball_bytes: info!.size,
        unpacked_bytes: info!.unpackedSize,
        entries: info!.entryCount,
        install_kb: installKb,
        package_kb: packageKb,
      }
      console.log(`package size: ${JSON.stringify(sizes)}`)
      await mkdir(join(root, 'test/artifacts'), {recursive: true})
      await writeFile(join(root, 'test/artifacts/package-size.json'), `${JSON.stringify(sizes, null, 2)}\n`)

      const help = await ok('npx jiminy --help', app)
      expect(help.stdout).toContain('USAGE')
      for (const command of ['replay', 'run', 'serve', 'profiles']) expect(help.stdout).toContain(command)

      const replay = await ok('npx jiminy replay node_modules/jiminy-harness/fixtures', app)
      expect(replay.stdout).toMatch(/\d+ fixtures: \d+ passed, 0 failed/)

      const run = await ok('npx jiminy run --json hi', app)
      const json = JSON.parse(run.stdout) as {turn: {blocks: {kind: string; payload: {text?: string}}[]}; events: unknown[]}
      expect(json.turn.blocks.find((b) => b.kind === 'llm_text')?.payload.text).toContain('You asked: "hi"')
      expect(json.events.length).toBeGreaterThan(2)

      await writeFile(join(app, 'consumer.test.ts'), CONSUMER_TEST)
      const vitest = await sh(`${JSON.stringify(join(root, 'node_modules/.bin/vitest'))} run --globals --root .`, app, 5 * MINUTE)
      expect(vitest.code, `${vitest.stdout}\n${vitest.stderr}`).toBe(0)
      expect(vitest.stdout).toMatch(/Tests\s+3 passed/)
    },
    30 * MINUTE,
  )

  it(
    "every command of README's tour runs as written in the clone",
    async () => {
      const readme = await readFile(join(clone, 'README.md'), 'utf8')
      const tour = readme.slice(readme.indexOf('## A short tour'))
      const block = /```sh\n([\s\S]*?)```/.exec(tour)![1]!
      const lines = block
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
      expect(lines.length).toBeGreaterThan(10)
      let server: ChildProcess | undefined
      let serverExit: Promise<{code: number | null; signal: NodeJS.Signals | null}> | undefined
      let serverUrl: string | undefined
      try {
        for (const line of lines) {
          expect(line, 'the tour names no file outside the repository').not.toMatch(/\.\.\/|~\/|\/tmp\//)
          if (/^npx jiminy serve /.test(line)) {
            const child = spawn('bash', ['-c', `exec ${line}`], {cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe']})
            server = child
            serverExit = new Promise((done) => child.once('exit', (code, signal) => done({code, signal})))
            let out = ''
            await new Promise<void>((ready, fail) => {
              const timer = setTimeout(() => fail(new Error(`serve printed no URL in 60 s: ${out}`)), 60_000)
              child.stdout.on('data', (d: Buffer) => {
                out += d.toString()
                const url = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out)?.[1]
                if (url) {
                  serverUrl = url
                  clearTimeout(timer)
                  ready()
                }
              })
              child.stderr.resume()
            })
            continue
          }
          const expected = /exit 1\b/.test(line) ? 1 : 0
          const result = await sh(line, clone, 2 * MINUTE)
          expect(
            result.code,
            `tour line \`${line}\` exited ${result.code}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
          ).toBe(expected)
        }
      } finally {
        if (server?.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGINT')
      }
      expect(server, 'the tour starts a server').toBeDefined()
      // Ctrl-C: the server exits 0; npx, which got the SIGINT too, may end by that signal.
      const exit = await serverExit!
      expect(exit.code === 0 || exit.signal === 'SIGINT', `serve ended with ${JSON.stringify(exit)}`).toBe(true)
      await expect(fetch(new URL('api/chat/profiles', serverUrl)), 'the server itself stopped').rejects.toThrow()
    },
    15 * MINUTE,
  )
})

/** A consumer's own vitest file: the library and `/testing` entries as a user imports them (vitest globals). */
const CONSUMER_TEST = `import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {replayFixture, runOnce, signatureOf} from 'jiminy-harness'
import {definePlugin} from 'jiminy-harness/plugin'
import {connectSem, expectFixtureToReplay, startTestServer} from 'jiminy-harness/testing'

const pkg = dirname(createRequire(import.meta.url).resolve('jiminy-harness/package.json'))
let server

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

describe('jiminy-harness as a dependency', () => {
  it('streams a run over SEM from a test server', async () => {
    const sem = await connectSem(server.url, 'conv-consumer')
    const {lastSeq} = await server.runToEnd('what is 2+3? /tool', {convId: 'conv-consumer'})
    await sem.waitForSeq(lastSeq)
    expect(sem.events('tool.result')).toHaveLength(1)
    expect(sem.events('llm.final').at(-1).text).toContain('2+3 = 5')
    await sem.close()
  })

  it('replays the shipped fixtures', async () => {
    const report = await expectFixtureToReplay(join(pkg, 'fixtures/plain-text.jsonl'))
    expect(report.status).toBe('passed')
    expect((await replayFixture(join(pkg, 'fixtures/thinking.jsonl'))).violations).toEqual([])
  })

  it('runs one prompt through the library and signs its config', async () => {
    const {outcome, config} = await runOnce({prompt: 'hello', overrides: {provider: {delay_ms: 0}}, dataDir: false})
    expect(outcome.status).toBe('completed')
    expect(signatureOf(config).hash).toMatch(/^[0-9a-f]{12}$/)
    expect(definePlugin({name: 'p', version: '1'}).name).toBe('p')
  })
})
`
