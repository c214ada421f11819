#!/usr/bin/env bash
# The fixture gate: every shipped fixture must pass `jiminy replay`, and every broken fixture in
# test/fixtures/broken must fail with exactly its own rule (the file name up to the first `--`).
# Every rule must have at least one broken fixture. Exits non-zero on any surprise. Builds when dist/ is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/fixtures/index.js ] || npm run build

echo "replay gate: shipped fixtures"
node bin/run.js replay fixtures/

echo "replay gate: broken fixtures"
node bin/run.js replay test/fixtures/broken/ --json > "${TMPDIR:-/tmp}/jiminy-broken-report.$$.json" && {
  echo "replay gate: broken fixtures unexpectedly passed" >&2
  exit 1
}
node --input-type=module - "${TMPDIR:-/tmp}/jiminy-broken-report.$$.json" <<'JS'
import fs from 'node:fs'
import path from 'node:path'
import {RULE_NAMES} from './dist/fixtures/rules.js'
const file = process.argv[2]
const report = JSON.parse(fs.readFileSync(file, 'utf8'))
fs.rmSync(file, {force: true})
let surprises = 0
if (report.fixtures.length === 0) {
  console.error('replay gate: no broken fixtures found')
  surprises++
}
for (const f of report.fixtures) {
  const expected = path.basename(f.fixture, '.jsonl').split('--')[0]
  const rules = [...new Set(f.violations.map((v) => v.rule))]
  if (f.status === 'failed' && rules.length === 1 && rules[0] === expected) {
    console.log(`ok   ${f.fixture} fails with ${expected}`)
  } else {
    console.error(`FAIL ${f.fixture}: expected to fail with ${expected} only, got ${f.status} ${JSON.stringify(rules)}${f.error ? ' ' + f.error : ''}`)
    surprises++
  }
}
const covered = new Set(report.fixtures.map((f) => path.basename(f.fixture, '.jsonl').split('--')[0]))
for (const rule of RULE_NAMES.filter((r) => !covered.has(r))) {
  console.error(`FAIL no broken fixture for rule ${rule}`)
  surprises++
}
process.exit(surprises === 0 ? 0 : 1)
JS
echo "replay gate: ok"
