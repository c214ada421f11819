import {createHash} from 'node:crypto'

/**
 * pinocchio's message ids (pkg/chatapp/message_id.go): one opaque root per run,
 * `chat-msg-<uuid>`, and ids derived from it: `{root}-user` (the prompt), `{root}:text:{n}` (the
 * n-th assistant text segment, from 1), `{root}:thinking:{n}` (the n-th reasoning segment).
 *
 * The root's UUID is derived from the run's `inference_id` (sha1, shaped as a version-5 UUID), not
 * drawn at random: every instance reading the same Redis stream names a run alike, and since an
 * inference id is unique across processes and restarts, a run after a restart never reuses the
 * root of an older one (pinocchio's PINOCCHIO-202: a reused root updated older entities).
 */
export function rootMessageIdOf(inferenceId: string): string {
  const hex = createHash('sha1').update(`jiminy:run:${inferenceId}`).digest('hex')
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  return `chat-msg-${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export const userMessageIdOf = (root: string): string => `${root}-user`
export const textMessageIdOf = (root: string, segment: number): string => `${root}:text:${segment}`
export const thinkingMessageIdOf = (root: string, segment: number): string => `${root}:thinking:${segment}`
/** The tool result entity of a call (pinocchio's toolcall plugin). */
export const toolResultEntityIdOf = (toolCallId: string): string => `${toolCallId}:result`
