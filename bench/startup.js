// CLI start-up: wall time of `jiminy --help`, `jiminy replay fixtures/` and `jiminy signature`
// (the built bin/run.js, no config file: the built-in default profile) against `node -e 0`,
// interleaved in the same run so load on the machine hits every command alike. Prints the median
// of N runs of each and the ratio to node's own start-up.
// Run: npm run build && node bench/startup.js [runs=5]
//      node --cpu-prof --cpu-prof-dir=/tmp/prof bin/run.js signature   (for a profile)
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
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
} finally {
  rmSync(home, {recursive: true, force: true})
}

function run({name, args}) {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, {cwd: ROOT, env, encoding: 'utf8'})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.status !== 0 && r.status !== 1) throw new Error(`${name} exited ${r.status}: ${r.stderr}`)
  return ms
}
