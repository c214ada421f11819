import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {eventually, startRedis, type RedisProcess} from './redis-server.js'
import {FrameClient, postJson, spawnServe, type ServeInstance} from './serve-instance.js'

/** `eventually` retries until the check stops throwing: this throws until `found` is defined. */
function present<T>(found: T | undefined, what: string): T {
  if (found === undefined || found === false) throw new Error(`not yet: ${what}`)
  return found
}

// An instance killed mid-run: the other instance ends the run for everyone (instance_lost) and frees the conversation.
let redis: RedisProcess
let a: ServeInstance
let b: ServeInstance
let dir: string
let client: FrameClient | undefined

beforeAll(async () => {
  redis = await startRedis()
  dir = mkdtempSync(join(tmpdir(), 'jiminy-orphan-'))
  writeFileSync(
    join(dir, 'jiminy.yaml'),
    `profiles:\n  paced: {provider: {type: mock, delay_ms: 60}}\n  default: {provider: {type: mock, delay_ms: 0}}\n`,
  )
  const args = ['--config', join(dir, 'jiminy.yaml'), '--bus', 'redis', '--redis-url', redis.url]
  ;[a, b] = await Promise.all([spawnServe(args), spawnServe(args)])
})

afterAll(async () => {
  await client?.close()
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.dispose()
  rmSync(dir, {recursive: true, force: true})
})

describe('a run whose instance dies (Redis mode)', () => {
  it('gets run.error instance_lost and run.finished on the other instance, and the conversation takes a new prompt', async () => {
    const convId = `orphan-${process.pid}`
    client = await FrameClient.connect(b.url, convId)
    const started = await postJson(`${a.url}chat/paced`, {conv_id: convId, prompt: 'tell me a long story /slow'})
    expect(started.status).toBe(200)
    const inferenceId = started.body.inference_id
    await eventually(() =>
      present(
        client!.frames.some((f) => f.type === 'llm.delta'),
        'a delta',
      ),
    )
    a.process.kill('SIGKILL')

    const terminal = await eventually(() => {
      const i = client!.frames.findIndex((f) => f.type === 'run.finished' && f.inference_id === inferenceId)
      return present(i >= 0 ? i : undefined, 'run.finished of the killed run')
    }, 20_000)
    const ofRun = client.frames.filter((f) => f.inference_id === inferenceId)
    const errors = ofRun.filter((f) => f.type === 'run.error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({code: 'instance_lost'})
    expect(client.frames[terminal]).toMatchObject({type: 'run.finished', status: 'failed'})
    expect(ofRun.filter((f) => f.type === 'run.finished')).toHaveLength(1)
    // Nothing of that run after its terminal frame, and seqs stay gap-free.
    expect(client.frames.slice(terminal + 1).filter((f) => f.inference_id === inferenceId)).toEqual([])
    expect(client.frames.map((f) => f.seq)).toEqual(client.frames.map((_, i) => client!.frames[0]!.seq + i))

    const next = await postJson(`${b.url}chat/default`, {conv_id: convId, prompt: 'are you still there?'})
    expect(next.status).toBe(200)
    await eventually(() =>
      present(
        client!.frames.some((f) => f.type === 'run.finished' && f.inference_id === next.body.inference_id),
        'the next run finished',
      ),
    )
  })
})
