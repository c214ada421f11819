// Runs every benchmark in sequence with modest sizes, each printing its own ratio against a
// baseline measured in the same run. Run: npm run bench   (builds first; Redis bench needs redis-server)
import {spawnSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const BENCHES = [
  ['core-throughput.js', ['1000000']],
  ['ws-throughput.js', ['20000', '2000']],
  ['replay-throughput.js', ['250000']],
  ['record-overhead.js', ['100000']],
  ['redis-throughput.js', ['10000']],
  ['watch-latency.js', ['5']],
  ['store-hydrate.js', ['1000', '200', '100000']],
]

let failed = 0
for (const [file, args] of BENCHES) {
  console.log(`\n== ${file} ${args.join(' ')}`)
  const r = spawnSync(process.execPath, [join(here, file), ...args], {stdio: 'inherit'})
  if (r.status !== 0) {
    failed++
    console.log(`!! ${file} exited ${r.status}`)
  }
}
process.exitCode = failed === 0 ? 0 : 1
