// Runs every benchmark RUNS times (default 3), each printing its own output and one BENCH-ROW line
// per row of issue 14's target table (bench/bench-row.js), then prints the table with the median of
// the runs for each row. Every figure is a ratio against a baseline measured in the same process
// run, so a noisy, shared machine moves both sides together.
// Run: npm run bench   (builds first; the Redis bench needs redis-server)
//      node bench/run-all.js [runs=3] [--only name,name]
import {spawnSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3)
const onlyAt = process.argv.indexOf('--only')
const only = onlyAt > 0 ? process.argv[onlyAt + 1].split(',') : undefined
const BENCHES = [
  ['ws-throughput.js', ['20000', '2000']],
  ['ws-scale.js', ['100', '1000']],
  ['replay-throughput.js', ['250000']],
  ['rerun-throughput.js', ['100', '100000']],
  ['redis-throughput.js', ['10000']],
  ['sessionstream-throughput.js', ['20000', '3']],
  ['startup.js', ['5']],
  ['idle-memory.js', ['300']],
  // Issue 25: side by side with what a user would pick instead.
  ['peer-aisdk.js', ['5000', '3']],
  ['peer-resumable.js', ['3000', '3', '400']],
  // Not rows of the table, but kept in the suite:
  ['core-throughput.js', ['1000000']],
  ['record-overhead.js', ['100000']],
  ['watch-latency.js', ['5']],
  ['store-hydrate.js', ['1000', '200', '100000']],
  ['store-throughput.js', ['20000', '5']],
]

const rows = new Map()
let failed = 0
for (const [file, args] of BENCHES) {
  if (only && !only.some((o) => file.startsWith(o))) continue
  // Only the table's rows need a median; the others run once.
  const times = file.match(/^(ws-|replay-|rerun-|redis-|startup|idle-|peer-)/) ? runs : 1
  for (let i = 1; i <= times; i++) {
    console.log(`\n== ${file} ${args.join(' ')}  (run ${i}/${times})`)
    const r = spawnSync(process.execPath, ['--expose-gc', join(here, file), ...args], {encoding: 'utf8', maxBuffer: 64 << 20})
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith('BENCH-ROW ')) {
        const row = JSON.parse(line.slice('BENCH-ROW '.length))
        const seen = rows.get(row.row) ?? {...row, values: []}
        seen.values.push(row.value)
        rows.set(row.row, seen)
      } else if (line !== '') console.log(line)
    }
    if (r.status !== 0) {
      failed++
      process.stdout.write(r.stderr)
      console.log(`!! ${file} exited ${r.status}`)
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const unit = {ratio: '', times: '×', kb: ' KB', count: ''}
console.log(`\n== issue 14 targets: median of ${runs} run(s) (node ${process.version})`)
console.log(`${'measure'.padEnd(52)} ${'median'.padStart(9)}  ${'target'.padEnd(9)} ok   runs`)
for (const row of rows.values()) {
  const m = median(row.values)
  const [op, bound] = row.target.split(' ')
  const ok = op === '>=' ? m >= Number(bound) : m <= Number(bound)
  const fmt = (v) => (row.kind === 'kb' ? v.toFixed(1) : row.kind === 'count' ? String(v) : v.toFixed(2)) + unit[row.kind]
  console.log(
    `${row.row.padEnd(52)} ${fmt(m).padStart(9)}  ${row.target.padEnd(9)} ${ok ? 'yes' : 'NO '}  ${row.values.map(fmt).join(' ')}${row.detail ? `  ${row.detail}` : ''}`,
  )
}
process.exitCode = failed === 0 ? 0 : 1
