import type {Redis} from 'ioredis'

/**
 * XADD with the seq assigned in Redis, atomically, from the stream's own last entry: every entry
 * stores `seq` (its first frame) and `next` (seq + its frame count), so the next entry starts at the
 * last one's `next` whichever instance writes it. `floor` keeps seq rising when the stream itself
 * was lost (Redis restarted without persistence). A retried publish (same `pid`, connection lost
 * before the reply) finds its own entry among the last few and returns it instead of adding twice.
 *
 * KEYS[1] stream · ARGV maxlen, payload, frames, given seq ('' = assign), floor, pid → {id, seq}
 */
const APPEND_LUA = `
local recent = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 8)
local nextSeq = 1
for i, entry in ipairs(recent) do
  local f = entry[2]
  local seq, nxt, pid
  for j = 1, #f, 2 do
    if f[j] == 'pid' then pid = f[j + 1] elseif f[j] == 'seq' then seq = f[j + 1] elseif f[j] == 'next' then nxt = f[j + 1] end
  end
  if pid == ARGV[6] then return {entry[1], seq or ''} end
  if i == 1 and nxt then nextSeq = tonumber(nxt) end
end
local seq = tonumber(ARGV[4])
if not seq then seq = math.max(nextSeq, tonumber(ARGV[5])) end
local seqText = string.format('%d', seq)
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'payload', ARGV[2], 'seq', seqText, 'next', string.format('%d', seq + tonumber(ARGV[3])), 'pid', ARGV[6])
return {id, seqText}
`

export interface AppendArgs {
  readonly key: string
  readonly maxlen: number
  readonly payload: string
  readonly frames: number
  readonly seq: number | undefined
  readonly floor: number
  readonly publishId: string
}

type AppendCommand = (key: string, ...args: (string | number)[]) => Promise<[string, string]>

/** Registers the script on a client (EVALSHA, falling back to EVAL after a Redis restart). */
export function appendCommand(client: Redis): (args: AppendArgs) => Promise<{id: string; seq: number | undefined}> {
  if (!('jiminyAppend' in client)) client.defineCommand('jiminyAppend', {numberOfKeys: 1, lua: APPEND_LUA})
  const command = (client as unknown as {jiminyAppend: AppendCommand}).jiminyAppend.bind(client)
  return async (a) => {
    const [id, seq] = await command(a.key, a.maxlen, a.payload, a.frames, a.seq ?? '', a.floor, a.publishId)
    return {id, seq: seq === '' ? undefined : Number(seq)}
  }
}
