// CLI start-up: wall time of `jiminy --help`, `jiminy replay fixtures/` and `jiminy signature`
// (the built bin/run.js, no config file: the built-in default profile) against `node -e 0`,
// interleaved in the same run so load on the machine hits every command alike. Prints the median
// of N runs of each and the ratio to node's own start-up.
// Also prints how many modules each command loads (ESM through a module hook, CommonJS from the
// require cache at exit), from one extra run under the hook (not timed).
// Run: npm run build && node bench/startup.js [runs=5]
//      node --cpu-prof --cpu-prof-dir=/tmp/prof bin/run.js signature   (for a profile)
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {benchRow} from './bench-row.js'

const ROOT = join(fileURLToPath(import.meta.url), '../..')
const runs = Number(process.argv[2] ?? 5)
const bin = join(ROOT, 'bin/run.js')
const home = mkdtempSync(join(tmpdir(), 'jiminy-startup-'))
// An empty HOME/XDG dirs: no user config, a fresh oclif data dir (what a CI job sees).
const env = {...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), NO_COLOR: '1'}
delete env.JIMINY_CONFIG
delete env.JIMINY_PROFILE
const COMMANDS = [
  {name: 'node -e 0', args: ['-e', '0']},
  {name: 'jiminy --help', args: [bin, '--help'], target: '<= 2'},
  {name: 'jiminy replay fixtures/', args: [bin, 'replay', join(ROOT, 'fixtures')], target: '<= 3'},
  {name: 'jiminy signature', args: [bin, 'signature'], target: '<= 3'},
]

try {
  const times = new Map(COMMANDS.map((c) => [c.name, []]))
  for (const c of COMMANDS) run(c) // warm the file cache once
  for (let i = 0; i < runs; i++) for (const c of COMMANDS) times.get(c.name).push(run(c))
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const base = med(times.get('node -e 0'))
  console.log(`start-up wall time, median of ${runs} (node ${process.version})`)
  for (const c of COMMANDS) {
    const m = med(times.get(c.name))
    console.log(`${c.name.padEnd(26)} ${m.toFixed(0).padStart(6)} ms   ${(m / base).toFixed(2)}× node -e 0`)
    if (c.target)
      benchRow(`${c.name} wall vs node -e 0`, m / base, {
        kind: 'times',
        target: c.target,
        detail: `${m.toFixed(0)} ms vs ${base.toFixed(0)} ms`,
      })
  }
  console.log('modules loaded (ours in dist/ + ESM, CommonJS)')
  for (const c of COMMANDS.slice(1)) {
    const n = moduleCounts(c)
    console.log(
      `${c.name.padEnd(26)} dist ${String(n.dist).padStart(4)}   esm ${String(n.esm).padStart(4)}   cjs ${String(n.cjs).padStart(4)}`,
    )
  }
} finally {
  rmSync(home, {recursive: true, force: true})
}

function moduleCounts({args}) {
  writeFileSync(
    join(home, 'hooks.mjs'),
    "import {writeSync} from 'node:fs'\nexport async function load(u, c, next) { writeSync(2, 'ESM ' + u + '\\n'); return next(u, c) }\n",
  )
  writeFileSync(
    join(home, 'register.mjs'),
    "import {register, createRequire} from 'node:module'\nimport {writeSync} from 'node:fs'\nregister('./hooks.mjs', import.meta.url)\n" +
      "const require = createRequire(import.meta.url)\nprocess.on('exit', () => { for (const k of Object.keys(require.cache)) writeSync(2, 'CJS ' + k + '\\n') })\n",
  )
  const r = spawnSync(process.execPath, ['--import', join(home, 'register.mjs'), ...args], {cwd: ROOT, env, encoding: 'utf8'})
  const lines = r.stderr.split('\n')
  const esm = lines.filter((l) => l.startsWith('ESM ') && !l.startsWith('ESM node:'))
  return {
    esm: esm.length,
    cjs: lines.filter((l) => l.startsWith('CJS ')).length,
    dist: [...esm, ...lines.filter((l) => l.startsWith('CJS '))].filter((l) => l.includes(`${ROOT}/dist/`)).length,
  }
}

function run({name, args}) {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, {cwd: ROOT, env, encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0 && r.status !== 1) throw new Error(`${name} exited ${r.status}: ${r.stderr}`)
  return ms
}
