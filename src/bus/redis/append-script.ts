import type {Redis} from 'ioredis'
import {headKeyOf} from './keys.js'

/**
 * XADD of a batch of entries with their seqs assigned in Redis, atomically: every entry stores
 * `seq` (its first frame) and `next` (seq + its frame count), so the next entry starts at the
 * previous one's `next` whichever instance writes it. One script call carries every publish that
 * was waiting for a topic (a pipeline of one round trip instead of one per publish), and the
 * script runs whole or not at all, so the batch keeps its order and its seqs have no gap.
 *
 * The head hash (`jiminy:head:<stream key>`, same hash slot: next, pid, first, n of the last batch)
 * saves reading the last entry (and its payload) back on every publish; without it (first publish,
 * or deleted) the stream's last entry is read instead. `floor` keeps seq rising when both were lost
 * (Redis restarted without persistence). A retried batch (same `pid`: the connection dropped before
 * the reply) that is still the last append returns its entries instead of adding them twice.
 *
 * KEYS[1] stream, KEYS[2] head hash · ARGV maxlen, floor, pid, then per entry: payload, frames,
 * given seq ('' = assign) → {id1, seq1, id2, seq2, …}
 */
const APPEND_LUA = `
local head = redis.call('HMGET', KEYS[2], 'next', 'pid', 'first', 'n')
local out = {}
if head[2] == ARGV[3] then
  local got = redis.call('XRANGE', KEYS[1], head[3], '+', 'COUNT', tonumber(head[4]))
  for i = 1, #got do
    local f = got[i][2]
    local seq = ''
    for j = 1, #f, 2 do if f[j] == 'seq' then seq = f[j + 1] end end
    out[#out + 1] = got[i][1]
    out[#out + 1] = seq
  end
  return out
end
local nextSeq = tonumber(head[1])
if not nextSeq then
  nextSeq = 1
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last > 0 then
    local f = last[1][2]
    for j = 1, #f, 2 do if f[j] == 'next' then nextSeq = tonumber(f[j + 1]) or 1 end end
  end
end
local floor = tonumber(ARGV[2])
local first
local n = 0
for i = 4, #ARGV, 3 do
  local seq = tonumber(ARGV[i + 2])
  if not seq then seq = math.max(nextSeq, floor) end
  nextSeq = seq + tonumber(ARGV[i + 1])
  local seqText = string.format('%d', seq)
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'payload', ARGV[i], 'seq', seqText, 'next', string.format('%d', nextSeq))
  first = first or id
  n = n + 1
  out[#out + 1] = id
  out[#out + 1] = seqText
end
redis.call('HSET', KEYS[2], 'next', string.format('%d', nextSeq), 'pid', ARGV[3], 'first', first, 'n', n)
return out
`

/** Writer bookkeeping next to a topic's stream: `jiminy:head:chat:{conv_id}`, the stream's hash slot. */
export const headKey = headKeyOf

export interface AppendEntry {
  readonly payload: string
  readonly frames: number
  /** The seq the publisher assigned (single-writer mode); undefined: assigned in Redis. */
  readonly seq: number | undefined
}

export interface AppendBatch {
  readonly key: string
  readonly maxlen: number
  readonly floor: number
  /** Same on every attempt of one batch, so a retry after a lost reply is recognised. */
  readonly publishId: string
  readonly entries: readonly AppendEntry[]
}

export type AppendResult = {readonly id: string; readonly seq: number | undefined}[]

type AppendCommand = (stream: string, head: string, ...args: (string | number)[]) => Promise<string[]>

/** Registers the script on a client (EVALSHA, falling back to EVAL after a Redis restart). */
export function appendCommand(client: Redis): (batch: AppendBatch) => Promise<AppendResult> {
  if (!('jiminyAppendBatch' in client)) client.defineCommand('jiminyAppendBatch', {numberOfKeys: 2, lua: APPEND_LUA})
  const command = (client as unknown as {jiminyAppendBatch: AppendCommand}).jiminyAppendBatch.bind(client)
  return async (batch) => {
    const args: (string | number)[] = [batch.maxlen, batch.floor, batch.publishId]
    for (const e of batch.entries) args.push(e.payload, e.frames, e.seq ?? '')
    const flat = await command(batch.key, headKey(batch.key), ...args)
    const out: {id: string; seq: number | undefined}[] = []
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({id: flat[i]!, seq: flat[i + 1] === '' ? undefined : Number(flat[i + 1])})
    if (out.length !== batch.entries.length)
      throw new Error(`append script returned ${out.length} entries for a batch of ${batch.entries.length} (its entries were trimmed?)`)
    return out
  }
}
