import {z} from 'zod'
import {OverridesSchema, type Overrides} from '../../engine/index.js'
import {CONV_ID_PATTERN} from '../http/chat-route.js'
import {RequestValidationError} from '../http/request-validation-error.js'

const PartSchema = z.looseObject({type: z.string().min(1, 'a part needs a type')})

const MessageSchema = z.looseObject({
  id: z.string(),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(PartSchema),
})

/**
 * What `DefaultChatTransport` POSTs: `{id, messages, trigger, messageId?}`, plus what a page may add
 * through the transport's `body` option: `profile` and `overrides` (as `POST /chat` takes them).
 */
export const UIChatBodySchema = z.looseObject({
  id: z.string().regex(CONV_ID_PATTERN, 'id (the conv_id) must be 1-128 characters of [A-Za-z0-9_.:-]'),
  messages: z.array(MessageSchema).min(1, 'messages must hold at least the new user message'),
  trigger: z.enum(['submit-message', 'regenerate-message']),
  messageId: z.string().optional(),
  profile: z.string().min(1).optional(),
  overrides: z.unknown().optional(),
})

const TextPartSchema = z.object({type: z.literal('text'), text: z.string()})
const ApprovalPartSchema = z.object({
  toolCallId: z.string().min(1),
  state: z.literal('approval-responded'),
  approval: z.object({id: z.string().min(1), approved: z.boolean(), reason: z.string().optional()}),
})

/** One tool call's answer from the SDK's `addToolApprovalResponse`. */
export interface ApprovalResponse {
  readonly approvalId: string
  readonly toolCallId: string
  readonly approved: boolean
}

/** A parsed `POST /api/chat`: a new prompt, or the approval responses for a paused run. */
export type UIChatRequest =
  | {readonly kind: 'prompt'; readonly convId: string; readonly prompt: string; readonly profile?: string; readonly overrides: Overrides}
  | {readonly kind: 'approval'; readonly convId: string; readonly approvals: readonly ApprovalResponse[]}

/**
 * Validates the body (422 naming the field). The server's snapshot is the history: only the last
 * message matters. A user message is the prompt (its text parts); an assistant message carrying
 * approval responses answers the run's pause.
 */
export function parseUIChatRequest(raw: unknown): UIChatRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RequestValidationError('body must be a JSON object', '')
  const parsed = UIChatBodySchema.safeParse(raw)
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error)
  const body = parsed.data
  if (body.trigger === 'regenerate-message') {
    throw new RequestValidationError(
      'regenerate-message is not supported: the server snapshot is the history and keeps every answer; send a new message',
      'trigger',
    )
  }
  const index = body.messages.length - 1
  const last = body.messages[index]!
  if (last.role === 'user') {
    const prompt = last.parts
      .flatMap((part) => {
        const text = TextPartSchema.safeParse(part)
        return text.success ? [text.data.text] : []
      })
      .join('\n')
    if (prompt.trim() === '') throw new RequestValidationError('the last user message has no text part', `messages.${index}.parts`)
    if (prompt.length > 100_000) throw new RequestValidationError('the prompt is over 100000 characters', `messages.${index}.parts`)
    return {
      kind: 'prompt',
      convId: body.id,
      prompt,
      ...(body.profile !== undefined ? {profile: body.profile} : {}),
      overrides: parseOverrides(body.overrides),
    }
  }
  const approvals = last.parts.flatMap((part): ApprovalResponse[] => {
    const approval = ApprovalPartSchema.safeParse(part)
    return approval.success
      ? [{approvalId: approval.data.approval.id, toolCallId: approval.data.toolCallId, approved: approval.data.approval.approved}]
      : []
  })
  if (last.role === 'assistant' && approvals.length > 0) return {kind: 'approval', convId: body.id, approvals}
  throw new RequestValidationError(
    'the last message must be the new user message, or the assistant message with tool approval responses',
    `messages.${index}`,
  )
}

function parseOverrides(value: unknown): Overrides {
  if (value === undefined || value === null) return {}
  const parsed = OverridesSchema.safeParse(value)
  if (!parsed.success) throw RequestValidationError.fromZod(parsed.error, 'overrides')
  return parsed.data
}
