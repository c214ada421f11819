import type {Redis} from 'ioredis'
import {headKeyOf} from './keys.js'

/**
 * XADD with the seq assigned in Redis, atomically: every entry stores `seq` (its first frame) and
 * `next` (seq + its frame count), so the next entry starts at the previous one's `next` whichever
 * instance writes it. The head hash (`jiminy:head:<stream key>`, same hash slot: next, pid, id, seq of the last append)
 * saves reading the last entry (and its payload) back on every publish; without it (first publish,
 * or deleted) the stream's last entry is read instead. `floor` keeps seq rising when both were lost
 * (Redis restarted without persistence). A retried publish (same `pid`: the connection dropped
 * before the reply) that is still the last append returns its entry instead of adding it twice.
 *
 * KEYS[1] stream, KEYS[2] head hash · ARGV maxlen, payload, frames, given seq ('' = assign), floor, pid → {id, seq}
 */
const APPEND_LUA = `
local head = redis.call('HMGET', KEYS[2], 'next', 'pid', 'id', 'seq')
if head[2] == ARGV[6] then return {head[3], head[4]} end
local nextSeq = tonumber(head[1])
if not nextSeq then
  nextSeq = 1
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last > 0 then
    local f = last[1][2]
    for j = 1, #f, 2 do if f[j] == 'next' then nextSeq = tonumber(f[j + 1]) or 1 end end
  end
end
local seq = tonumber(ARGV[4])
if not seq then seq = math.max(nextSeq, tonumber(ARGV[5])) end
local seqText = string.format('%d', seq)
local nextText = string.format('%d', seq + tonumber(ARGV[3]))
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'payload', ARGV[2], 'seq', seqText, 'next', nextText, 'pid', ARGV[6])
redis.call('HSET', KEYS[2], 'next', nextText, 'pid', ARGV[6], 'id', id, 'seq', seqText)
return {id, seqText}
`

/** Writer bookkeeping next to a topic's stream: `jiminy:head:chat:{conv_id}`, the stream's hash slot. */
export const headKey = headKeyOf

export interface AppendArgs {
  readonly key: string
  readonly maxlen: number
  readonly payload: string
  readonly frames: number
  readonly seq: number | undefined
  readonly floor: number
  readonly publishId: string
}

type AppendCommand = (stream: string, head: string, ...args: (string | number)[]) => Promise<[string, string]>

/** Registers the script on a client (EVALSHA, falling back to EVAL after a Redis restart). */
export function appendCommand(client: Redis): (args: AppendArgs) => Promise<{id: string; seq: number | undefined}> {
  if (!('jiminyAppend' in client)) client.defineCommand('jiminyAppend', {numberOfKeys: 2, lua: APPEND_LUA})
  const command = (client as unknown as {jiminyAppend: AppendCommand}).jiminyAppend.bind(client)
  return async (a) => {
    const [id, seq] = await command(a.key, headKey(a.key), a.maxlen, a.payload, a.frames, a.seq ?? '', a.floor, a.publishId)
    return {id, seq: seq === '' ? undefined : Number(seq)}
  }
}
