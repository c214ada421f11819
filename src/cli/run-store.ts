import {redactSecrets, redactString, type Event} from '../core/index.js'
import {signatureOf} from '../engine/engine-config.js'
import type {RunOnceResult} from '../conversation/index.js'
import {buildFrame, translateEvent} from '../sem/index.js'
import {openConversationStore, type StoredFrame} from '../store/index.js'
import {runEndOf, titleOf} from '../webchat/stored-conversations.js'

/**
 * `jiminy run --store FILE`: the one-shot run kept as a conversation of that store, as `serve`
 * would keep it (metadata, the run's outcome, its SEM frames, the snapshot), so `jiminy
 * conversations` and a later `serve --store FILE` list, show and continue it. The file is named
 * by the user: a bad one is an error (StoreOpenError → bad_config, field `store`).
 */
export async function saveRunToStore(
  file: string,
  result: RunOnceResult,
  prompt: string,
  profile: string,
): Promise<{conv_id: string; store: string}> {
  const events: readonly Event[] = result.events
  const convId = events[0]?.meta.session_id ?? result.outcome.inferenceId
  const store = openConversationStore(file, {explicit: true})
  try {
    const signature = signatureOf(result.config)
    await store.upsertConversation({id: convId, profile, signature: signature.hash, config: result.config, title: titleOf(prompt)})
    await store.runStarted(convId, result.outcome.inferenceId)
    let seq = await store.lastSeq(convId)
    const frames: StoredFrame[] = []
    for (const event of events)
      for (const body of translateEvent(event)) {
        const built = buildFrame(body, {seq: ++seq})
        frames.push({seq: built.seq, type: built.type, json: redactString(built.json)})
      }
    store.appendFrames(convId, frames)
    await store.runEnded(convId, result.outcome.inferenceId, runEndOf(result.outcome))
    await store.saveSnapshot(convId, redactSecrets(result.outcome.turn))
    return {conv_id: convId, store: store.location}
  } finally {
    await store.close()
  }
}
