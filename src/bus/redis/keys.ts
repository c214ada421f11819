// No ioredis import here: the key layout is plain strings.

/**
 * Every Redis key of one conversation carries the conversation id as a hash tag (`{conv_id}`), so
 * on Redis Cluster they all live in one hash slot: the append script (stream + head hash) and the
 * run lock work there, and one conversation's keys move together when slots are resharded.
 * conv_ids are `[A-Za-z0-9_.:-]` (CONV_ID_PATTERN), so a tag never holds a brace.
 *
 * | key                              | what                                  |
 * | -------------------------------- | ------------------------------------- |
 * | `chat:{conv_id}`                 | the conversation's stream             |
 * | `jiminy:head:chat:{conv_id}`     | the writer's head hash for that stream|
 * | `jiminy:run:{conv_id}`           | the run lock                          |
 * | `jiminy:snapshot:{conv_id}`      | the snapshot Turn                     |
 *
 * Pub/sub channels (`jiminy:control:{conv_id}`, `jiminy:reply:{instance}`) are not keys: classic
 * pub/sub reaches every node of a cluster, so they need no tag.
 */
export const hashTagged = (prefix: string, id: string): string => `${prefix}{${id}}`

const CHAT_TOPIC = /^chat:(.+)$/

/** The stream key of a bus topic: `chat:<conv_id>` → `chat:{<conv_id>}`; any other topic is its own key. */
export const streamKeyOf = (topic: string): string => {
  const conv = CHAT_TOPIC.exec(topic)?.[1]
  return conv !== undefined && !conv.startsWith('{') ? hashTagged('chat:', conv) : topic
}

/** Writer bookkeeping next to a stream (outside the `chat:*` names, so no conversation can collide); same slot. */
export const headKeyOf = (streamKey: string): string => `jiminy:head:${streamKey}`

export const RUN_LOCK_PREFIX = 'jiminy:run:'
export const SNAPSHOT_PREFIX = 'jiminy:snapshot:'

/** `jiminy:run:{conv_id}`: the run lock (RunLock). */
export const runLockKey = (convId: string): string => hashTagged(RUN_LOCK_PREFIX, convId)

/** `jiminy:snapshot:{conv_id}`: the snapshot Turn (RedisSnapshotStore). */
export const snapshotKey = (convId: string): string => hashTagged(SNAPSHOT_PREFIX, convId)
