import type {ConversationRecording} from '../fixtures/conversation-recording.js'
import type {Overrides} from '../engine/index.js'
import {ConversationManager, type ConversationManagerOptions, type StartedRun} from './conversation-manager.js'

/**
 * The ConversationManager of a server that records: every run it starts is told to the
 * recording with its inputs (profile, overrides, the prompt as sent, the config and signature the
 * run got), so a recording can be rerun (`jiminy replay --rerun`).
 */
export class RecordingConversationManager extends ConversationManager {
  constructor(
    private readonly recording: ConversationRecording,
    options: ConversationManagerOptions,
  ) {
    super(options)
  }

  /** `request.idempotencyKey` is recorded with the run when the caller passes it (the `/chat` body's `idempotency_key`). */
  override async startRun(
    convId: string,
    profile: string,
    overrides: Overrides,
    prompt: string,
    request: {idempotencyKey?: string} = {},
  ): Promise<StartedRun> {
    const started = await super.startRun(convId, profile, overrides, prompt)
    const {conversation, handle} = started
    this.recording.runStarted(convId, {
      profile: conversation.profile,
      overrides: {...overrides},
      prompt,
      ...(request.idempotencyKey !== undefined ? {idempotency_key: request.idempotencyKey} : {}),
      config: {...conversation.engine.config},
      signature: conversation.engine.signature.hash,
      inference_id: handle.inferenceId,
    })
    return started
  }
}
