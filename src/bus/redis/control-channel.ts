import {randomBytes} from 'node:crypto'
import type {Redis} from 'ioredis'
import {z} from 'zod'
import {STEP_ACTIONS} from '../../core/index.js'
import {duplicateConnection} from './redis-connection.js'

export const CONTROL_PREFIX = 'jiminy:control:'
export const REPLY_PREFIX = 'jiminy:reply:'
export const DEFAULT_CONTROL_TIMEOUT_MS = 3000

const ControlCommandSchema = z.discriminatedUnion('kind', [
  z.object({kind: z.literal('cancel')}),
  z.object({kind: z.literal('step'), pause_id: z.string().min(1), action: z.enum(STEP_ACTIONS)}),
])
/** What one instance asks the instance that runs a conversation to do. */
export type ControlCommand = z.infer<typeof ControlCommandSchema>

const ControlRequestSchema = z.object({conv_id: z.string(), request_id: z.string(), reply_to: z.string(), command: ControlCommandSchema})

const ControlResultSchema = z.discriminatedUnion('kind', [
  z.object({kind: z.literal('cancelled'), inference_id: z.string()}),
  z.object({kind: z.literal('stepped')}),
  z.object({kind: z.literal('stale'), message: z.string(), current_pause_id: z.string().optional()}),
])
/** The owner's answer. */
export type ControlResult = z.infer<typeof ControlResultSchema>

const ControlReplySchema = z.object({request_id: z.string(), result: ControlResultSchema})

/** Answers a command for a conversation this instance runs; undefined when it does not run it (no reply). */
export type ControlHandler = (convId: string, command: ControlCommand) => ControlResult | undefined

/**
 * Request/reply over Redis pub/sub: a request goes to `jiminy:control:{conv_id}`, every instance
 * hears it (PSUBSCRIBE), only the one running that conversation answers, on the asker's
 * `jiminy:reply:{instance}` channel. Messages are validated with zod; anything else is ignored.
 */
export class ControlChannel {
  private readonly pending = new Map<string, (result: ControlResult) => void>()
  private handler: ControlHandler | undefined
  private readonly replyChannel: string

  private constructor(
    private readonly client: Redis,
    private readonly listener: Redis,
    readonly instanceId: string,
    private readonly timeoutMs: number,
  ) {
    this.replyChannel = `${REPLY_PREFIX}${instanceId}`
  }

  /** Subscribes on a connection of its own; resolves once both subscriptions are active. */
  static async open(
    client: Redis,
    instanceId: string,
    options: {timeoutMs?: number; onError?: (error: unknown) => void} = {},
  ): Promise<ControlChannel> {
    // Not ioredis's own re-subscribe: it drops the promises of the SUBSCRIBEs it sends after a
    // reconnect, so a connection closed before they are answered (shutdown just after Redis came
    // back) is an unhandled rejection. The channel re-subscribes on each later 'ready' itself.
    const listener = duplicateConnection(client, (error) => options.onError?.(error), {maxRetriesPerRequest: null, autoResubscribe: false})
    const channel = new ControlChannel(client, listener, instanceId, options.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS)
    listener.on('pmessage', (_pattern: string, name: string, message: string) => channel.onRequest(name, message))
    listener.on('message', (name: string, message: string) => {
      if (name === channel.replyChannel) channel.onReply(message)
    })
    const subscribe = () => Promise.all([listener.psubscribe(`${CONTROL_PREFIX}*`), listener.subscribe(channel.replyChannel)])
    await subscribe()
    listener.on('ready', () => {
      subscribe().catch((error: unknown) => options.onError?.(error))
    })
    return channel
  }

  /** Sets who answers requests for conversations run here. */
  serve(handler: ControlHandler): void {
    this.handler = handler
  }

  /** Asks whoever runs convId; undefined when nobody answers within the timeout. */
  async request(convId: string, command: ControlCommand): Promise<ControlResult | undefined> {
    const requestId = randomBytes(9).toString('base64url')
    const answered = new Promise<ControlResult | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId)
        resolve(undefined)
      }, this.timeoutMs)
      this.pending.set(requestId, (result) => {
        clearTimeout(timer)
        this.pending.delete(requestId)
        resolve(result)
      })
    })
    await this.client.publish(
      `${CONTROL_PREFIX}${convId}`,
      JSON.stringify({conv_id: convId, request_id: requestId, reply_to: this.replyChannel, command}),
    )
    return answered
  }

  async close(): Promise<void> {
    for (const resolve of this.pending.values()) resolve({kind: 'stale', message: 'control channel closed'})
    this.pending.clear()
    this.listener.disconnect()
  }

  private onRequest(channelName: string, message: string): void {
    const parsed = ControlRequestSchema.safeParse(safeJson(message))
    if (!parsed.success || channelName !== `${CONTROL_PREFIX}${parsed.data.conv_id}`) return
    const {conv_id, request_id, reply_to, command} = parsed.data
    if (!reply_to.startsWith(REPLY_PREFIX)) return
    const result = this.handler?.(conv_id, command)
    if (result === undefined) return
    void this.client.publish(reply_to, JSON.stringify({request_id, result})).catch(() => undefined)
  }

  private onReply(message: string): void {
    const parsed = ControlReplySchema.safeParse(safeJson(message))
    if (parsed.success) this.pending.get(parsed.data.request_id)?.(parsed.data.result)
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
