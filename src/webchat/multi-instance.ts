import type {LocalRuns} from '../bus/index.js'
import type {FrameCursor} from '../conversation/index.js'
import type {LiveConversation} from './live-conversation.js'

/** The runs of this instance, as forwarded requests see them. */
export function localRunsOf(conversations: {get(convId: string): LiveConversation | undefined}): LocalRuns {
  return {
    cancel: (convId) => conversations.get(convId)?.cancel(),
    step: (convId, pauseId, action) => {
      const conversation = conversations.get(convId)
      return conversation?.running() ? conversation.decideStep(pauseId, action) : undefined
    },
  }
}

/**
 * Waits (bounded) until the coordinator has handed out frame `seq`. A client that moves to another
 * instance may carry a cursor this instance's reader has not reached yet; replaying before it does
 * would send those frames again later as live ones.
 */
export function waitForSeq(coordinator: FrameCursor, seq: number, timeoutMs: number): Promise<void> {
  if (coordinator.lastSeq >= seq) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      stop()
      resolve()
    }
    const timer = setTimeout(done, timeoutMs)
    const stop = coordinator.onFrame((frame) => {
      if (frame.seq >= seq) done()
    })
  })
}
