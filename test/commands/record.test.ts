import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {encode} from '@msgpack/msgpack'
import {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {eventually, freePort, startRedis, type RedisProcess} from '../bus/redis/redis-server.js'
import {jiminy, root, type CliResult} from './cli-process.js'

const FIXTURE = join(root, 'test/fixtures/geppetto/conversation.jsonl')
/** pinocchio's stream key for a conversation: `chat:{conv_id}` (its events' session id is the run id). */
const STREAM = 'chat:conv-paris'

interface FixtureLineJson {
  stream_id: string
  topic: string
  format: string
  payload: {type: string; meta?: Record<string, unknown>}
}

/**
 * Writes one entry as watermill-redisstream's default marshaller does: `_watermill_message_uuid`,
 * `metadata` (msgpack of the message's metadata map; empty bytes when it has none, as geppetto's
 * WatermillSink sends it) and `payload` (the geppetto event JSON). Go ranges over a map, so the
 * field order varies: `order` shuffles it.
 */
async function xaddWatermill(
  client: Redis,
  key: string,
  id: string,
  uuid: string,
  metadata: Record<string, string> | undefined,
  payload: string,
  order = 0,
): Promise<void> {
  const fields: [string, string | Buffer][] = [
    ['_watermill_message_uuid', uuid],
    ['metadata', metadata ? Buffer.from(encode(metadata)) : ''],
    ['payload', payload],
  ]
  for (let i = 0; i < order % 3; i++) fields.push(fields.shift()!)
  await client.xadd(key, id, ...fields.flat())
}

describe('jiminy record --from-redis', () => {
  let redis: RedisProcess
  let client: Redis
  let dir: string
  let dataHome: string
  let fixtureText: string
  const cli = (...args: string[]): Promise<CliResult> => jiminy(args, {dataHome})

  beforeAll(async () => {
    redis = await startRedis()
    client = new Redis(redis.url)
    dir = await mkdtemp(join(tmpdir(), 'jiminy-record-'))
    dataHome = join(dir, 'data')
    fixtureText = await readFile(FIXTURE, 'utf8')
    // A pinocchio conversation as its Redis stream holds it: the entries the fixture was tapped from.
    const lines = fixtureText
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as FixtureLineJson)
    for (const [i, line] of lines.entries()) {
      // The tool executor's events go out through WatermillSink without metadata; the rest carry a sequence number.
      const metadata = line.payload.type.startsWith('tool-call-ex') ? undefined : {sequence_number: String(i)}
      await xaddWatermill(
        client,
        STREAM,
        line.stream_id,
        `0190a1b2-0000-7000-8000-${String(i).padStart(12, '0')}`,
        metadata,
        JSON.stringify(line.payload),
        i,
      )
    }
  }, 30_000)

  afterAll(async () => {
    client?.disconnect()
    await redis?.dispose()
    await rm(dir, {recursive: true, force: true})
  })

  it('taps the stream into the fixture, byte for byte, and exits at the end', async () => {
    const out = join(dir, 'tap.jsonl')
    const r = await cli('record', '--from-redis', redis.url, '--stream', STREAM, '--out', out, '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      out,
      url: redis.url,
      stream: STREAM,
      lines: 18,
      first_stream_id: '1769126400000-0',
      last_stream_id: '1769126400255-0',
      topics: ['chat:8f14e45f-ceea-467a-9575-6b7d3c1e2a90'],
      follow: false,
      ended: 'end',
    })
    expect(await readFile(out, 'utf8')).toBe(fixtureText)
  })

  it('the tapped fixture replays: every ordering rule holds, its golden is written, then matched', async () => {
    const out = join(dir, 'replayed.jsonl')
    expect((await cli('record', '--from-redis', redis.url, '--stream', STREAM, '-o', out)).code).toBe(0)
    const update = await cli('replay', out, '--update', '--json')
    const report = JSON.parse(update.stdout) as {
      ok: boolean
      fixtures: {status: string; golden_updated?: boolean; frames: number; violations: unknown[]}[]
    }
    expect(report.fixtures[0]).toMatchObject({status: 'passed', golden_updated: true, frames: 20, violations: []})
    expect(update.code).toBe(0)
    const again = await cli('replay', out)
    expect(again.stdout).toMatch(/PASS .*replayed\.jsonl .*golden matched/)
    expect(again.code).toBe(0)
    // The frames are the shipped golden's: recording added or lost nothing.
    expect(await readFile(join(dir, 'replayed.sem.jsonl'), 'utf8')).toBe(await readFile(FIXTURE.replace(/\.jsonl$/, '.sem.jsonl'), 'utf8'))
  })

  it('says what it wrote, in text', async () => {
    const out = join(dir, 'text.jsonl')
    const r = await cli('record', '--from-redis', redis.url, '--stream', STREAM, '--out', out)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      `wrote 18 lines (1769126400000-0 … 1769126400255-0) from ${STREAM} at ${redis.url} to ${out}\ntopics: chat:8f14e45f-ceea-467a-9575-6b7d3c1e2a90\n`,
    )
  })

  it('--follow keeps reading new entries until SIGINT, then prints what it wrote and exits 130', async () => {
    const key = 'chat:conv-follow'
    const start = JSON.stringify({type: 'start', meta: {message_id: 'm-1', session_id: 'run-f', inference_id: 'inf-f', turn_id: 't-f'}})
    await xaddWatermill(client, key, '*', 'u-1', {sequence_number: '0'}, start)
    const out = join(dir, 'follow.jsonl')
    const child = spawn(
      process.execPath,
      [join(root, 'bin/run.js'), 'record', '--from-redis', redis.url, '--stream', key, '--out', out, '--follow', '--json'],
      {
        cwd: root,
        env: {...process.env, NO_COLOR: '1', XDG_DATA_HOME: dataHome, JIMINY_DATA_DIR: ''},
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const lineCount = async () => (await readFile(out, 'utf8').catch(() => '')).split('\n').filter(Boolean).length
    try {
      await eventually(async () => expect(await lineCount()).toBe(1), 15_000)
      // Entries added while it follows are appended as they arrive.
      const partial = JSON.stringify({type: 'partial', meta: {message_id: 'm-1', session_id: 'run-f'}, delta: 'Hi', completion: 'Hi'})
      await xaddWatermill(client, key, '*', 'u-2', undefined, partial)
      await xaddWatermill(
        client,
        key,
        '*',
        'u-3',
        {sequence_number: '2'},
        JSON.stringify({type: 'final', meta: {message_id: 'm-1', session_id: 'run-f'}, text: 'Hi'}),
      )
      await eventually(async () => expect(await lineCount()).toBe(3), 15_000)
      expect(child.exitCode).toBeNull()
    } finally {
      child.kill('SIGINT')
    }
    expect(await exited).toBe(130)
    expect(stderr).toBe('')
    expect(JSON.parse(stdout)).toMatchObject({lines: 3, follow: true, ended: 'stopped', topics: ['chat:run-f']})
    const tapped = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as FixtureLineJson)
    expect(tapped.map((l) => [l.topic, l.format, l.payload.type])).toEqual([
      ['chat:run-f', 'geppetto', 'start'],
      ['chat:run-f', 'geppetto', 'partial'],
      ['chat:run-f', 'geppetto', 'final'],
    ])
  }, 40_000)

  describe('bad input: exit 2 and an error naming what was wrong', () => {
    const fail = async (args: string[]) => {
      const r = await cli('record', ...args, '--json')
      expect(r.code).toBe(2)
      return (JSON.parse(r.stdout) as {error: {code: string; message: string; field?: string}}).error
    }
    const out = () => join(dir, `bad-${Math.random().toString(36).slice(2)}.jsonl`)

    it('a URL that is not a Redis URL', async () => {
      expect(await fail(['--from-redis', 'http://127.0.0.1:6379', '--stream', STREAM, '-o', out()])).toEqual({
        code: 'bad_flag',
        field: 'from-redis',
        message: '--from-redis http://127.0.0.1:6379 is not a Redis URL (scheme http:); expected redis://host:port or rediss://…',
      })
      expect(await fail(['--from-redis', 'localhost 6379', '--stream', STREAM, '-o', out()])).toMatchObject({
        code: 'bad_flag',
        message: expect.stringContaining('is not a URL') as string,
      })
    })

    it('a server that does not answer', async () => {
      const port = await freePort()
      const error = await fail(['--from-redis', `redis://127.0.0.1:${port}`, '--stream', STREAM, '-o', out()])
      expect(error).toMatchObject({code: 'unreachable', field: 'from-redis'})
      expect(error.message).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`)
      expect(error.message).toMatch(/is the deployment's Redis at --from-redis running\?$/)
    })

    it('a stream that does not exist, or a key that is not a stream', async () => {
      expect(await fail(['--from-redis', redis.url, '--stream', 'chat:nope', '-o', out()])).toEqual({
        code: 'not_found',
        field: 'stream',
        message: `stream "chat:nope" does not exist at ${redis.url}`,
      })
      await client.set('chat:a-string', 'x')
      expect(await fail(['--from-redis', redis.url, '--stream', 'chat:a-string', '-o', out()])).toMatchObject({
        code: 'bad_flag',
        message: `key "chat:a-string" at ${redis.url} is a string, not a stream`,
      })
    })

    it('an undecodable entry stops the tap naming the entry; the lines before it are kept', async () => {
      const key = 'chat:conv-bad'
      const start = JSON.stringify({type: 'start', meta: {message_id: 'm', session_id: 's'}})
      await xaddWatermill(client, key, '5-0', 'u-1', {sequence_number: '0'}, start)
      await xaddWatermill(client, key, '5-1', 'u-2', undefined, start)
      await client.xadd(key, '5-2', '_watermill_message_uuid', 'u-3', 'metadata', Buffer.from([0xc1]), 'payload', start)
      await xaddWatermill(client, key, '5-3', 'u-4', undefined, start)
      const path = out()
      const error = await fail(['--from-redis', redis.url, '--stream', key, '-o', path])
      expect(error.code).toBe('bad_fixture')
      expect(error.message).toMatch(
        /^entry 5-2 of stream chat:conv-bad is undecodable: metadata is not msgpack \(.+\) \(2 lines written before it\)$/,
      )
      expect(
        (await readFile(path, 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as FixtureLineJson).stream_id),
      ).toEqual(['5-0', '5-1'])
    })

    it("entries that are not watermill's (a jiminy stream) or not events", async () => {
      await client.xadd('chat:jiminy-own', '1-0', 'payload', '{"type":"start"}', 'seq', '1', 'next', '2')
      expect((await fail(['--from-redis', redis.url, '--stream', 'chat:jiminy-own', '-o', out()])).message).toBe(
        "entry 1-0 of stream chat:jiminy-own is undecodable: no _watermill_message_uuid field (fields: payload, seq, next): not written by watermill-redisstream's default marshaller (0 lines written before it)",
      )
      await xaddWatermill(client, 'chat:not-json', '1-0', 'u-1', undefined, 'hello')
      expect((await fail(['--from-redis', redis.url, '--stream', 'chat:not-json', '-o', out()])).message).toMatch(
        /payload of message u-1 is not JSON/,
      )
    })

    it('an --out that exists (unless --force)', async () => {
      const path = join(dir, 'exists.jsonl')
      await writeFile(path, 'keep me\n')
      expect(await fail(['--from-redis', redis.url, '--stream', STREAM, '-o', path])).toEqual({
        code: 'bad_flag',
        field: 'out',
        message: `${path} exists; pass --force to overwrite it`,
      })
      expect(await readFile(path, 'utf8')).toBe('keep me\n')
      expect((await cli('record', '--from-redis', redis.url, '--stream', STREAM, '-o', path, '--force')).code).toBe(0)
      expect(await readFile(path, 'utf8')).toBe(fixtureText)
    })

    it('missing required flags', async () => {
      expect(await fail(['--stream', STREAM, '-o', out()])).toMatchObject({code: 'bad_flag'})
    })
  })
})
