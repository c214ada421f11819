import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {appendBlocks, lastUserText, registerSecret, StreamingMessage, type Engine} from '../../../src/core/index.js'
import type {EngineFactory} from '../../../src/engine/index.js'
import type {RunningServer} from '../../../src/webchat/index.js'
import {postJson, startTestServer, TestClient} from '../server/harness.js'

/** A key with no well-known shape (caught by value only) and one shaped like an OpenAI key (caught by pattern). */
const VALUE_KEY = 'zq9-Opaque-Key-4711xyz'
const SHAPED_KEY = 'sk-proj-A1b2C3d4E5f6G7h8I9j0KLmn'
const textWith = (key: string) => `Here it is: ${key}. Done`

/**
 * An engine that echoes a key, its text cut where the prompt says: `cut K A,B,…` streams
 * textWith(key K) in chunks ending at those offsets (`each` = one character a chunk).
 */
const splittingEngine: EngineFactory = () =>
  ({
    async runInference(turn) {
      const [, which, where] = lastUserText(turn).split(' ')
      const text = textWith(which === 'value' ? VALUE_KEY : SHAPED_KEY)
      const cuts = where === 'each' ? [...text].map((_, i) => i + 1) : [...where!.split(',').map(Number), text.length]
      const message = new StreamingMessage('splitter-1')
      let from = 0
      for (const cut of cuts) {
        message.textDelta(text.slice(from, cut))
        from = cut
      }
      return appendBlocks(turn, ...message.finish({stopReason: 'stop'}))
    },
  }) satisfies Engine

describe('a key split across chunks is never spelled by the deltas', () => {
  let server: RunningServer
  beforeAll(async () => {
    registerSecret(VALUE_KEY)
    server = await startTestServer({engineFactory: splittingEngine})
  })
  afterAll(async () => {
    await server?.close()
  })

  for (const which of ['value', 'shaped'] as const) {
    const key = which === 'value' ? VALUE_KEY : SHAPED_KEY
    const text = textWith(key)
    const start = text.indexOf(key)
    // Every cut inside the key and around it, two chunks; every pair of cuts inside it, three; one character a chunk.
    const plans = [
      ...Array.from({length: key.length + 3}, (_, i) => `${start - 1 + i}`),
      ...Array.from({length: key.length - 1}, (_, i) => `${start + 1 + i},${start + Math.min(key.length - 1, i + 3)}`),
      'each',
    ]

    it(`${which} key: SEM llm.delta frames at ${plans.length} cut plans: 0 leaks, cumulative = deltas, final = last cumulative`, async () => {
      const convId = `split-${which}`
      const client = await TestClient.connect(server, {conv_id: convId})
      let leaks = 0
      for (const plan of plans) {
        const before = client.raw.length
        const res = await postJson(server, '/chat', {prompt: `cut ${which} ${plan}`, conv_id: convId})
        expect(res.status).toBe(200)
        await client.waitFor(
          () => client.sem.some((f) => f.type === 'run.finished' && f.inference_id === res.body.inference_id),
          'run.finished',
        )
        const raw = client.raw.slice(before)
        const frames = raw.map((r) => (JSON.parse(r) as {event: {type: string; delta?: string; cumulative?: string; text?: string}}).event)
        const deltas = frames.filter((f) => f.type === 'llm.delta')
        const spelled = deltas.map((f) => f.delta).join('')
        if (raw.some((r) => r.includes(key)) || spelled.includes(key)) leaks++
        let cumulative = ''
        for (const d of deltas) {
          cumulative += d.delta!
          expect(d.cumulative).toBe(cumulative)
        }
        expect(frames.find((f) => f.type === 'llm.final')?.text).toBe(cumulative)
        expect(cumulative).toBe(textWith('[redacted]'))
      }
      expect(leaks).toBe(0)
      client.ws.close()
    })

    it(`${which} key: AI SDK text-delta chunks never spell it`, async () => {
      for (const plan of [`${start + 1}`, `${start + Math.floor(key.length / 2)}`, `${start + key.length - 1}`, 'each']) {
        const res = await fetch(new URL('api/chat', server.url), {
          method: 'POST',
          headers: {'content-type': 'application/json'},
          body: JSON.stringify({
            id: `sdk-${which}-${plan}`,
            messages: [{id: 'u1', role: 'user', parts: [{type: 'text', text: `cut ${which} ${plan}`}]}],
            trigger: 'submit-message',
          }),
        })
        const body = await res.text()
        expect(body).not.toContain(key)
        const deltas = body
          .split('\n\n')
          .filter((e) => e.startsWith('data: {'))
          .map((e) => JSON.parse(e.slice(6)) as {type: string; delta?: string})
          .filter((c) => c.type === 'text-delta')
        expect(deltas.map((c) => c.delta).join('')).toBe(textWith('[redacted]'))
      }
    })
  }
})
