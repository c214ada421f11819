// Recording overhead: what `serve --record` adds per consumed bus message (redact + serialize +
// queue, on the streaming path) next to what the StreamCoordinator itself spends on the same
// message (decode + translate + build frames), in the same run. The disk writes happen later, in
// batches, off the streaming path; the time to flush them is printed too.
// Run: npm run build && node bench/record-overhead.js [messages=200000]
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {ConversationRecording} from '../dist/fixtures/index.js'
import {StreamCoordinator} from '../dist/sem/stream-coordinator.js'

const N = Number(process.argv[2] ?? 200_000)

function messages() {
  const out = []
  let text = ''
  for (let i = 0; i < N; i++) {
    const delta = `word${i % 97} `
    text = text.length > 400 ? delta : text + delta
    const meta = {
      id: `evt_${i}`,
      session_id: 'bench',
      inference_id: 'inf_1',
      turn_id: 'turn_1',
      message_id: `msg_${Math.floor(i / 50)}`,
      model: 'mock-1',
    }
    out.push({topic: 'chat:bench', payload: JSON.stringify({type: 'partial', delta, completion: text, meta})})
  }
  return out
}

const dir = await mkdtemp(join(tmpdir(), 'jiminy-record-bench-'))
try {
  const msgs = messages()
  const coordinator = new StreamCoordinator({convId: 'bench', frameLog: false})
  let t = process.hrtime.bigint()
  for (const m of msgs) coordinator.consume(m)
  const coordinatorNs = Number(process.hrtime.bigint() - t) / N

  const recording = new ConversationRecording({recordDir: dir, tapeLimit: N})
  t = process.hrtime.bigint()
  for (const m of msgs) recording.consumed('bench', m)
  const recordNs = Number(process.hrtime.bigint() - t) / N
  t = process.hrtime.bigint()
  await recording.close()
  const flushMs = Number(process.hrtime.bigint() - t) / 1e6
  const bytes = (await stat(join(dir, 'bench.jsonl'))).size

  console.log(
    `${N} messages: coordinator ${(coordinatorNs / 1000).toFixed(2)} µs/message, recorder ${(recordNs / 1000).toFixed(2)} µs/message on the streaming path (${((recordNs / coordinatorNs) * 100).toFixed(0)}% of the coordinator's own cost)`,
  )
  console.log(`flushing ${(bytes / 1e6).toFixed(0)} MB afterwards took ${flushMs.toFixed(0)} ms (batched, off the streaming path)`)
} finally {
  await rm(dir, {recursive: true, force: true})
}
