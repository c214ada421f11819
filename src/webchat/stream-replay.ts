import {chatTopic, type BusMessage} from '../bus/index.js'
import {waitForSeq} from './multi-instance.js'
import type {BuiltFrame} from '../sem/frames.js'
import {StreamCoordinator} from '../sem/stream-coordinator.js'

/** Reading a conversation's log back by stream id (Redis mode; `RedisBus.readAfter`). */
export interface StreamHistory {
  /**
   * Messages of topic strictly after afterStreamId that the stream still holds, in order; the seq the
   * frames after that entry start at when it is still there; whether entries after it were trimmed.
   */
  readAfter(topic: string, afterStreamId: string): Promise<{messages: BusMessage[]; afterNext: number | undefined; truncated: boolean}>
}

/** Frames to send a socket that resumes after a stream id, then hand it to the pool. */
export interface StreamIdReplay {
  /** Seq of the last frame the client already has (the one before the first replayed frame). */
  readonly afterSeq: number
  readonly truncated: boolean
  /**
   * Stops buffering and returns every frame to send, in seq order, each once: the frames read from
   * the stream, then the live frames that arrived meanwhile and come after them. Call it in the same
   * synchronous step as adding the socket to the pool, so no frame falls in between.
   */
  take(): BuiltFrame[]
}

/**
 * Resume by stream id: the frames after that entry are read from the stream itself (not from this
 * instance's FrameLog), translated like every reader does (the entries carry their seq, so the
 * frames are the live ones, byte for byte). Live frames are buffered from the start; before the
 * switch, this instance's reader is given (bounded) time to reach the end of what was read, so the
 * pool will not send any of those frames again.
 */
export async function replayAfterStreamId(
  history: StreamHistory,
  coordinator: StreamCoordinator,
  afterStreamId: string,
  catchUpMs: number,
): Promise<StreamIdReplay> {
  const buffered: BuiltFrame[] = []
  const stop = coordinator.onFrame((frame) => buffered.push(frame))
  try {
    const {messages, afterNext, truncated} = await history.readAfter(chatTopic(coordinator.convId), afterStreamId)
    const translator = new StreamCoordinator({convId: coordinator.convId, frameLog: false})
    const frames = messages.flatMap((message) => translator.consume(message))
    const afterSeq = frames.length > 0 ? frames[0]!.seq - 1 : afterNext !== undefined ? afterNext - 1 : coordinator.lastSeq
    const covered = frames.at(-1)?.seq ?? afterSeq
    await waitForSeq(coordinator, covered, catchUpMs)
    return {
      afterSeq,
      truncated,
      take: () => {
        stop()
        return [...frames, ...buffered.filter((frame) => frame.seq > covered)]
      },
    }
  } catch (error) {
    stop()
    throw error
  }
}
