import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../src/webchat/index.js'
import {postJson, startTestServer, waitIdle} from '../webchat/server/harness.js'
import {jiminy} from './cli-process.js'

/**
 * `jiminy conversations list | show | delete | export` on a store file a server wrote, and through
 * a running server (`--server`) while that server holds the file locked.
 */
let dir: string
let file: string
const env = {JIMINY_SERVER: '', JIMINY_STORE: '', JIMINY_TOKEN: ''}
const cli = (args: string[]) => jiminy(args, {dataHome: dir, cwd: dir, env})
const json = async (args: string[]) => {
  const r = await cli([...args, '--json'])
  return {code: r.code, stderr: r.stderr, body: JSON.parse(r.stdout) as Record<string, unknown>}
}

async function runToEnd(server: RunningServer, convId: string, prompt: string): Promise<void> {
  expect((await postJson(server, '/chat', {conv_id: convId, prompt})).status).toBe(200)
  await waitIdle(server, convId)
  await server.store.flush()
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-conversations-cmd-'))
  file = join(dir, 'chats.db')
  const server = await startTestServer({store: file})
  await runToEnd(server, 'conv-a', 'first question')
  await runToEnd(server, 'conv-a', 'and a second one /think')
  await runToEnd(server, 'conv-b', 'what is 2+3? /tool')
  await server.close()
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('jiminy conversations on the store file', () => {
  it('list: newest first with title and last activity', async () => {
    const r = await json(['conversations', 'list', '--store', file])
    expect(r.code).toBe(0)
    expect(r.body.store).toBe(file)
    const rows = r.body.conversations as {conv_id: string; title: string; last_activity: string; last_seq: number}[]
    expect(rows.map((c) => [c.conv_id, c.title])).toEqual([
      ['conv-b', 'what is 2+3? /tool'],
      ['conv-a', 'first question'],
    ])
    expect(Date.parse(rows[0]!.last_activity)).toBeGreaterThanOrEqual(Date.parse(rows[1]!.last_activity))
    const plain = await cli(['conversations', 'list', '--store', file])
    expect(plain.code).toBe(0)
    expect(plain.stdout.split('\n')[0]).toMatch(/^conv-b {2}\S+ {2}default {2}"what is 2\+3\? \/tool"$/)
  })

  it('show: runs and the transcript of the snapshot', async () => {
    const r = await json(['conversations', 'show', 'conv-a', '--store', file])
    expect(r.code).toBe(0)
    expect(r.body).toMatchObject({
      conv_id: 'conv-a',
      title: 'first question',
      profile: 'default',
      runs: [{status: 'completed'}, {status: 'completed'}],
    })
    const plain = await cli(['conversations', 'show', 'conv-a', '--store', file])
    expect(plain.stdout).toContain('> first question')
    expect(plain.stdout).toContain('> and a second one /think')
  })

  it('export: a fixture and its golden that jiminy replay passes, the golden being the stored frames', async () => {
    for (const id of ['conv-a', 'conv-b']) {
      const out = join(dir, `${id}.jsonl`)
      const r = await json(['conversations', 'export', id, '--store', file, '--out', out])
      expect(r.code, JSON.stringify(r.body)).toBe(0)
      expect(r.body).toMatchObject({fixture: out, golden: join(dir, `${id}.sem.jsonl`), replay: {status: 'passed', violation_count: 0}})
      const replay = await json(['replay', out])
      expect(replay.code, JSON.stringify(replay.body)).toBe(0)
      const golden = (await readFile(join(dir, `${id}.sem.jsonl`), 'utf8')).trimEnd().split('\n')
      expect(golden.map((l) => (JSON.parse(l) as {event: {seq: number}}).event.seq)).toEqual(golden.map((_, i) => i + 1))
      const types = golden.map((l) => (JSON.parse(l) as {event: {type: string}}).event.type)
      expect(types).toContain('run.finished')
      if (id === 'conv-b') expect(types).toEqual(expect.arrayContaining(['tool.start', 'tool.result', 'tool.done']))
      if (id === 'conv-a') expect(types).toEqual(expect.arrayContaining(['llm.thinking.start', 'llm.thinking.final']))
    }
    // The check can fail: an edited golden no longer replays.
    const golden = join(dir, 'conv-a.sem.jsonl')
    await writeFile(golden, (await readFile(golden, 'utf8')).replace('first question', 'another question'))
    expect((await json(['replay', join(dir, 'conv-a.jsonl')])).code).toBe(1)
  })

  it('export --out into folders that do not exist yet makes them', async () => {
    const out = join(dir, 'new', 'nested', 'conv-a.jsonl')
    const r = await json(['conversations', 'export', 'conv-a', '--store', file, '--out', out])
    expect(r.code, JSON.stringify(r.body)).toBe(0)
    expect(r.body).toMatchObject({fixture: out, golden: join(dir, 'new', 'nested', 'conv-a.sem.jsonl'), replay: {status: 'passed'}})
  })

  it('delete: removes it; a second delete is not_found', async () => {
    const copy = join(dir, 'copy.db')
    await writeFile(copy, await readFile(file))
    const r = await json(['conversations', 'delete', 'conv-a', '--store', copy])
    expect(r).toMatchObject({code: 0, body: {conv_id: 'conv-a', deleted: true}})
    const list = await json(['conversations', 'list', '--store', copy])
    expect((list.body.conversations as {conv_id: string}[]).map((c) => c.conv_id)).toEqual(['conv-b'])
    const again = await json(['conversations', 'delete', 'conv-a', '--store', copy])
    expect(again.code).toBe(2)
    expect(again.body).toEqual({error: {code: 'not_found', message: `unknown conversation "conv-a" in ${copy}`, field: 'id'}})
  })

  it('without --store the data dir file is read; none yet is an empty list, not a new file', async () => {
    const home = await mkdtemp(join(tmpdir(), 'jiminy-conversations-home-'))
    try {
      const r = await jiminy(['conversations', 'list', '--json'], {dataHome: home, cwd: home, env})
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout)).toEqual({store: join(home, 'jiminy', 'conversations.db'), conversations: []})
    } finally {
      await rm(home, {recursive: true, force: true})
    }
  })
})

describe('jiminy conversations next to a running serve', () => {
  it('the file is locked: one clear error naming it and --server; with --server the server answers', async () => {
    const server = await startTestServer({store: file})
    try {
      const locked = await json(['conversations', 'list', '--store', file])
      expect(locked.code).toBe(2)
      expect(locked.body).toEqual({
        error: {
          code: 'bad_config',
          field: 'store',
          message: `${file} is in use by a running jiminy serve (it holds the file locked); ask that server instead: --server URL (or JIMINY_SERVER)`,
        },
      })
      const list = await json(['conversations', 'list', '--server', server.url])
      expect(list.code).toBe(0)
      expect((list.body.conversations as {conv_id: string}[]).map((c) => c.conv_id)).toEqual(['conv-b', 'conv-a'])
      const show = await json(['conversations', 'show', 'conv-b', '--server', server.url])
      expect(show.body).toMatchObject({conv_id: 'conv-b', title: 'what is 2+3? /tool', runs: [{status: 'completed'}]})
      const out = join(dir, 'served.jsonl')
      const exported = await json(['conversations', 'export', 'conv-b', '--server', server.url, '--out', out])
      expect(exported.body).toMatchObject({replay: {status: 'passed'}})
      expect(await readFile(join(dir, 'served.sem.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'conv-b.sem.jsonl'), 'utf8'))
      const missing = await json(['conversations', 'show', 'nope', '--server', server.url])
      expect(missing.code).toBe(2)
      expect(missing.body).toEqual({error: {code: 'not_found', message: `unknown conversation "nope" in ${server.url}`, field: 'id'}})
    } finally {
      await server.close()
    }
  })
})
