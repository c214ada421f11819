#!/usr/bin/env bash
# The fixture gate: every shipped fixture must pass `jiminy replay`, and every broken fixture in
# test/fixtures/broken must fail with exactly its own rule (the file name up to the first `--`).
# Every rule must have at least one broken fixture. Then the rerun mode: every shipped recording
# (fixtures/recordings, v2) must pass `jiminy replay --rerun` offline, with the text, JUnit and
# GitHub reporters, and a recording whose golden was edited must fail with rerun-mismatch.
# Exits non-zero on any surprise. Builds when dist/ is missing.
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
  // golden-required only fails under --require-golden: checked on its own below.
  if (expected === 'golden-required' && f.status === 'passed') {
    console.log(`ok   ${f.fixture} passes without --require-golden`)
  } else if (f.status === 'failed' && rules.length === 1 && rules[0] === expected) {
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

echo "replay gate: --require-golden refuses a fixture without its golden"
if node bin/run.js replay test/fixtures/broken/golden-required.jsonl --require-golden --json > "${TMPDIR:-/tmp}/jiminy-golden.$$.json"; then
  echo "replay gate: golden-required.jsonl passed under --require-golden" >&2
  exit 1
fi
grep -q '"rule": *"golden-required"' "${TMPDIR:-/tmp}/jiminy-golden.$$.json" || {
  echo "replay gate: golden-required.jsonl did not fail with golden-required" >&2
  exit 1
}
rm -f "${TMPDIR:-/tmp}/jiminy-golden.$$.json"
echo "ok   test/fixtures/broken/golden-required.jsonl fails with golden-required under --require-golden"

RECORDINGS_CONFIG=fixtures/recordings/jiminy.yaml
WORK="$(mktemp -d "${TMPDIR:-/tmp}/jiminy-rerun-gate.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "replay gate: rerun the shipped recordings (offline, provider answered from the cassettes)"
node bin/run.js replay --rerun fixtures/ --config "$RECORDINGS_CONFIG"
node bin/run.js replay --rerun fixtures/ --config "$RECORDINGS_CONFIG" --reporter junit --output "$WORK/junit.xml" > /dev/null
grep -q '<testsuite name="jiminy replay --rerun"' "$WORK/junit.xml" && ! grep -q '<failure' "$WORK/junit.xml" || {
  echo "replay gate: the JUnit report of the rerun is not a clean testsuite" >&2
  exit 1
}
annotations="$(node bin/run.js replay --rerun fixtures/ --config "$RECORDINGS_CONFIG" --reporter github | grep -c '^::error' || true)"
[ "$annotations" = "0" ] || { echo "replay gate: $annotations GitHub annotations on passing recordings" >&2; exit 1; }

echo "replay gate: an edited golden fails the rerun with rerun-mismatch"
cp -r fixtures/recordings "$WORK/recordings"
sed -i '3s/"seq":3/"seq":3,"edited":true/' "$WORK/recordings/mock-tool-step-cancel.sem.jsonl"
if node bin/run.js replay --rerun "$WORK/recordings/mock-tool-step-cancel.jsonl" --config "$RECORDINGS_CONFIG" --json > "$WORK/edited.json"; then
  echo "replay gate: the edited recording unexpectedly passed the rerun" >&2
  exit 1
fi
node --input-type=module - "$WORK/edited.json" <<'JS'
import fs from 'node:fs'
const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const rules = [...new Set(report.fixtures.flatMap((f) => f.violations.map((v) => v.rule)))]
if (rules.length !== 1 || rules[0] !== 'rerun-mismatch') {
  console.error(`replay gate: the edited recording failed with ${JSON.stringify(rules)}, expected ["rerun-mismatch"]`)
  process.exit(1)
}
console.log('ok   the edited recording fails with rerun-mismatch')
JS
echo "replay gate: ok"
