import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {newId, type Event, type Turn} from '../../../src/core/index.js'
import {MemoryEventBuffer, memoryEventBuffer, ResourceScope} from '../../../src/plugins/index.js'
import {runOnce} from '../../../src/conversation/index.js'
import {pluginDir} from '../plugin-files.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
let configPath: string
beforeAll(async () => {
  tmp = await pluginDir('jiminy-builtins-')
  configPath = await tmp.write(
    'jiminy.yaml',
    `profiles:
  redacting:
    provider: {type: mock, delay_ms: 0}
    middlewares: [{name: redact, config: {patterns: ["hunter[0-9]+"], replacement: "<gone>"}}]
  allowlisted:
    provider: {type: mock, delay_ms: 0}
    tool_executor: {name: allowlist, config: {allow: [clock]}}
  allow-profile-tools:
    provider: {type: mock, delay_ms: 0}
    tools: [calc]
    tool_executor: {name: allowlist}
  dry:
    provider: {type: mock, delay_ms: 0}
    tool_executor: {name: dry-run}
  remembered:
    provider: {type: mock, delay_ms: 0}
    subscribers: [{name: memory, config: {capacity: 3}}]
`,
  )
})
afterAll(() => tmp.cleanup())

const run = (profile: string, prompt: string) => runOnce({prompt, profile, configPath, dataDir: false})
const toolResults = (events: Event[]) => events.filter((e) => e.type === 'tool-call-execution-result')
const userTexts = (turn: Turn) => turn.blocks.filter((b) => b.kind === 'user').map((b) => b.payload.text)

describe('redact middleware', () => {
  it('scrubs API keys and configured patterns from user text before the engine; the snapshot keeps the scrubbed text', async () => {
    const key = `sk-${'a'.repeat(24)}`
    const {outcome, events} = await run('redacting', `my key is ${key} and password hunter42`)
    expect(userTexts(outcome.turn)).toEqual(['my key is <gone> and password <gone>'])
    expect(JSON.stringify(events)).not.toContain(key)
    expect(JSON.stringify(events)).not.toContain('hunter42')
  })

  it('rejects a bad pattern, naming the field', async () => {
    const bad = await tmp.write('bad.yaml', `profiles:\n  x:\n    middlewares: [{name: redact, config: {patterns: ["("]}}]\n`)
    await expect(runOnce({prompt: 'hi', profile: 'x', configPath: bad, dataDir: false})).rejects.toThrow(
      /bad\.yaml: profiles\.x\.middlewares\.0\.config\.patterns\.0: must be a valid regular expression/,
    )
  })
})

describe('allowlist tool executor', () => {
  it('refuses a tool outside `allow` with a clear tool error and never runs it', async () => {
    const {events} = await run('allowlisted', 'what is 2+3? /tool')
    const [result] = toolResults(events)
    expect(result).toMatchObject({type: 'tool-call-execution-result'})
    expect(JSON.stringify(result)).toContain('tool \\"calc\\" is not allowed for this profile (allowed: clock)')
    expect(JSON.stringify(result)).not.toContain('"value":5')
  })

  it('defaults to the profile tools and runs allowed calls', async () => {
    const {events} = await run('allow-profile-tools', 'what is 2+3? /tool')
    expect(JSON.stringify(toolResults(events)[0])).toContain('"value":5')
  })
})

describe('dry-run tool executor', () => {
  it('answers with what would run, without running it', async () => {
    const {events} = await run('dry', 'what is 2+3? /tool')
    const text = JSON.stringify(toolResults(events)[0])
    expect(text).toContain('"dry_run":true')
    expect(text).toContain('"would_run":"calc"')
    expect(text).toContain('"expression":"2+3"')
    expect(text).not.toContain('"value":5')
  })
})

describe('memory subscriber', () => {
  it('keeps the last `capacity` events of the conversation', async () => {
    const resources = new ResourceScope()
    const {events} = await runOnce({prompt: 'hello', profile: 'remembered', configPath, dataDir: false, resources})
    const convId = events[0]!.meta.session_id
    const buffer = memoryEventBuffer(resources, convId)!
    // Another host's scope never sees it: no module-level state.
    expect(memoryEventBuffer(new ResourceScope(), convId)).toBeUndefined()
    expect(buffer).toBeInstanceOf(MemoryEventBuffer)
    expect(buffer.events().map((e) => e.meta.id)).toEqual(events.slice(-3).map((e) => e.meta.id))
    expect(buffer.droppedCount).toBe(events.length - 3)
  })

  it('is a ring: oldest first after wrapping', () => {
    const ring = new MemoryEventBuffer(2)
    const ev = (n: number): Event => ({
      type: 'info',
      message: String(n),
      data: {},
      meta: {id: `e${n}`, session_id: 's', inference_id: newId('inf'), turn_id: 't'},
    })
    for (const n of [1, 2, 3, 4, 5]) ring.publish(ev(n))
    expect(ring.events().map((e) => e.meta.id)).toEqual(['e4', 'e5'])
  })
})
