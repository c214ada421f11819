import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {eventually} from '../../bus/redis/redis-server.js'
import {FrameClient, postJson, spawnServe, type ServeInstance} from '../../bus/redis/serve-instance.js'

const dir = mkdtempSync(join(tmpdir(), 'jiminy-kill9-'))
const instances: ServeInstance[] = []
const clients: FrameClient[] = []
afterAll(async () => {
  for (const c of clients) await c.close()
  for (const i of instances) await i.stop()
  rmSync(dir, {recursive: true, force: true})
})

function present<T>(value: T | undefined | false, what: string): T {
  if (value === undefined || value === false) throw new Error(`not yet: ${what}`)
  return value
}

describe('kill -9 of a serve mid-run, then a restart on the same store file', () => {
  it('opens the file, keeps the committed frames gap-free, and shows the run as interrupted with its partial text', async () => {
    const store = join(dir, 'conversations.db')
    writeFileSync(join(dir, 'jiminy.yaml'), 'profiles:\n  paced: {provider: {type: mock, delay_ms: 15}}\n')
    const args = ['--config', join(dir, 'jiminy.yaml'), '--store', store]
    const first = await spawnServe(args)
    instances.push(first)
    const live = await FrameClient.connect(first.url, 'k9')
    clients.push(live)
    expect((await postJson(`${first.url}chat/paced`, {conv_id: 'k9', prompt: 'a long answer please /slow'})).status).toBe(200)
    await eventually(() => present(live.frames.filter((f) => f.type === 'llm.delta').length >= 8, 'deltas'))
    // Past one group-commit window, so some batches are on disk; more frames are still in flight.
    await new Promise((r) => setTimeout(r, 150))
    first.process.kill('SIGKILL')
    await new Promise((resolve) => first.process.once('exit', resolve))
    const seen = live.frames.slice()

    const second = await spawnServe(args)
    instances.push(second)
    const detail = (await (await fetch(`${second.url}api/conversations/k9`)).json()) as {
      live: boolean
      last_seq: number
      runs: {status: string; partial_text?: string}[]
    }
    expect(detail.runs).toHaveLength(1)
    expect(detail.runs[0]!.status).toBe('interrupted')
    expect(detail.runs[0]!.partial_text?.length).toBeGreaterThan(0)
    expect(detail.last_seq).toBeGreaterThan(0)

    // What the file kept is a gap-free prefix of what the client saw, byte for byte.
    const resumed = await FrameClient.connect(second.url, 'k9', 0)
    clients.push(resumed)
    await eventually(() => present(resumed.frames.length >= detail.last_seq, 'the stored frames'))
    expect(resumed.frames.map((f) => f.seq)).toEqual(resumed.frames.map((_, i) => i + 1))
    expect(resumed.frames).toEqual(seen.slice(0, resumed.frames.length))
    expect(detail.runs[0]!.partial_text).toBe([...resumed.frames].reverse().find((f) => f.type === 'llm.delta')?.cumulative)
    // And the conversation takes its next prompt.
    expect((await postJson(`${second.url}chat/paced`, {conv_id: 'k9', prompt: 'are you back?'})).status).toBe(200)
  })
})
