import type * as OtelApi from '@opentelemetry/api'
import type {Attributes, Span, SpanKind, Tracer} from '@opentelemetry/api'
import {createRequire} from 'node:module'
import type * as OtlpExporter from '@opentelemetry/exporter-trace-otlp-http'
import type * as OtelResources from '@opentelemetry/resources'
import type * as OtelSdk from '@opentelemetry/sdk-trace-base'
import type * as OtelSemconv from '@opentelemetry/semantic-conventions'
import {z} from 'zod'
import {redactString, type Event, type EventSink, type MiddlewareCall} from '../../../core/index.js'
import {defineSubscriber, type ContributionContext} from '../../api.js'

export const OtelSubscriberConfigSchema = z
  .object({
    /** OTLP/HTTP traces URL (`http://collector:4318/v1/traces`). Default: $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else $OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
    endpoint: z
      .string()
      .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
      .optional(),
    /** Put prompts, answers and tool arguments/results on spans (redacted). Off by default. */
    capture_content: z.boolean().default(false),
    service_name: z.string().min(1).max(100).default('jiminy'),
  })
  .strict()
export type OtelSubscriberConfig = z.infer<typeof OtelSubscriberConfigSchema>

/** GenAI semantic conventions: the `gen_ai.system` / `gen_ai.provider.name` of each provider type. */
const GEN_AI_SYSTEM: Record<string, string> = {
  'openai-chat': 'openai',
  'openai-responses': 'openai',
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  mock: 'jiminy.mock',
}

/** The traces URL from the config, else the standard OTel environment variables. */
export function otlpTracesUrl(config: OtelSubscriberConfig, env: ContributionContext['env']): string | undefined {
  if (config.endpoint !== undefined) return config.endpoint
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  if (traces) return traces
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined
}

// The API too (44 CommonJS modules, ≈0.4× `node -e 0`): loaded when a sink is made, not by every
// command that lists the built-in plugins (signature, replay --rerun).
let api: typeof OtelApi | undefined
const otel = (): typeof OtelApi => (api ??= createRequire(import.meta.url)('@opentelemetry/api') as typeof OtelApi)

/** One tracer provider (and exporter) per URL and host, shut down (flushing its spans) when the host closes. */
function tracerFor(ctx: ContributionContext, url: string, serviceName: string): Tracer {
  const provider = ctx.resources.get(
    `builtin:otel:${url}:${serviceName}`,
    () => {
      // The SDK, exporter and conventions load when a profile uses the otel subscriber, not at every
      // command's start-up (≈1.5× `node -e 0` on their own). CommonJS builds: a synchronous require.
      const load = createRequire(import.meta.url)
      const {OTLPTraceExporter} = load('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpExporter
      const {resourceFromAttributes} = load('@opentelemetry/resources') as typeof OtelResources
      const {BasicTracerProvider, BatchSpanProcessor} = load('@opentelemetry/sdk-trace-base') as typeof OtelSdk
      const {ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION} = load('@opentelemetry/semantic-conventions') as typeof OtelSemconv
      return new BasicTracerProvider({
        resource: resourceFromAttributes({[ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: OTEL_SCOPE_VERSION}),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({url}), {scheduledDelayMillis: 500})],
      })
    },
    (p) => p.shutdown(),
  )
  return provider.getTracer('jiminy', OTEL_SCOPE_VERSION)
}

const OTEL_SCOPE_VERSION = '1.0.0'

interface RunSpans {
  readonly span: Span
  readonly startedAt: number
  readonly messages: Map<string, Span>
  readonly tools: Map<string, Span>
}

/**
 * Spans from a conversation's events: one per run (`invoke_agent`), children per inference
 * (`chat {model}`), tool call (`execute_tool {name}`) and middleware call (`middleware {name}`,
 * nested by depth, from the run's middleware trace). No text unless `capture_content`.
 */
export class OtelSink implements EventSink {
  private readonly runs = new Map<string, RunSpans>()

  constructor(
    private readonly tracer: Tracer,
    private readonly options: {
      readonly convId: string
      readonly system: string
      readonly profile: string
      readonly captureContent: boolean
    },
  ) {}

  publish(event: Event): void {
    // The hot path: deltas make no span and change none.
    if (event.type === 'partial' || event.type === 'partial-thinking') return
    try {
      this.handle(event)
    } catch {
      // Telemetry never breaks a run.
    }
  }

  private handle(event: Event): void {
    const m = event.meta
    if (event.type === 'conversation-rebuilt') return
    const run = this.runOf(m.inference_id)
    switch (event.type) {
      case 'user-prompt':
        if (this.options.captureContent)
          run.span.setAttribute('gen_ai.input.messages', JSON.stringify([{role: 'user', content: redactString(event.text)}]))
        break
      case 'start': {
        const model = m.model ?? 'unknown'
        const span = this.child(run, `chat ${model}`, otel().SpanKind.CLIENT, {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': this.options.system,
          'gen_ai.provider.name': this.options.system,
          'gen_ai.request.model': model,
          'gen_ai.conversation.id': this.options.convId,
        })
        run.messages.set(m.message_id ?? m.id, span)
        break
      }
      case 'final': {
        const id = m.message_id ?? m.id
        const span = run.messages.get(id)
        if (!span) break
        run.messages.delete(id)
        if (m.model !== undefined) span.setAttribute('gen_ai.response.model', m.model)
        const usage = m.usage ?? {}
        if (typeof usage.input_tokens === 'number') span.setAttribute('gen_ai.usage.input_tokens', usage.input_tokens)
        if (typeof usage.output_tokens === 'number') span.setAttribute('gen_ai.usage.output_tokens', usage.output_tokens)
        if (m.stop_reason !== undefined) span.setAttribute('gen_ai.response.finish_reasons', [m.stop_reason])
        if (this.options.captureContent && event.text !== '')
          span.setAttribute('gen_ai.output.messages', JSON.stringify([{role: 'assistant', content: redactString(event.text)}]))
        span.end()
        break
      }
      case 'answer-revised':
        run.span.addEvent('jiminy.answer_revised', {'jiminy.revised_by': event.by})
        break
      case 'tool-call-execute': {
        const call = event.tool_call
        const span = this.child(run, `execute_tool ${call.name}`, otel().SpanKind.INTERNAL, {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': call.name,
          'gen_ai.tool.call.id': call.id,
          'gen_ai.tool.type': 'function',
        })
        if (this.options.captureContent) span.setAttribute('gen_ai.tool.call.arguments', redactString(JSON.stringify(call.args)))
        run.tools.set(call.id, span)
        break
      }
      case 'tool-call-execution-result': {
        const result = event.tool_result
        const span = run.tools.get(result.id)
        if (!span) break
        run.tools.delete(result.id)
        if (result.error !== undefined) {
          span.setAttribute('error.type', 'tool_error')
          span.setStatus({code: otel().SpanStatusCode.ERROR, ...(this.options.captureContent ? {message: redactString(result.error)} : {})})
        } else if (this.options.captureContent) {
          span.setAttribute('gen_ai.tool.call.result', redactString(JSON.stringify(result.result ?? null)))
        }
        span.end()
        break
      }
      case 'step-paused':
        run.span.addEvent('jiminy.step_paused', {'jiminy.step.phase': event.phase, 'jiminy.step.pause_id': event.pause_id})
        break
      case 'step-resumed':
        run.span.addEvent('jiminy.step_resumed', {'jiminy.step.action': event.action, 'jiminy.step.timed_out': event.timed_out})
        break
      case 'middleware-trace':
        this.middlewareSpans(run, event.calls)
        break
      case 'interrupt':
      case 'error':
        for (const span of [...run.messages.values(), ...run.tools.values()]) {
          span.setStatus({code: otel().SpanStatusCode.ERROR, message: event.type === 'interrupt' ? 'cancelled' : 'failed'})
          span.end()
        }
        run.messages.clear()
        run.tools.clear()
        if (event.type === 'error') {
          run.span.setAttribute('error.type', event.code ?? 'error')
          run.span.setStatus({code: otel().SpanStatusCode.ERROR, message: redactString(event.message)})
        }
        break
      case 'run-finished': {
        const usage = event.usage ?? {}
        if (typeof usage.input_tokens === 'number') run.span.setAttribute('gen_ai.usage.input_tokens', usage.input_tokens)
        if (typeof usage.output_tokens === 'number') run.span.setAttribute('gen_ai.usage.output_tokens', usage.output_tokens)
        run.span.setAttribute('jiminy.run.status', event.status)
        if (event.status === 'cancelled') run.span.setStatus({code: otel().SpanStatusCode.ERROR, message: 'cancelled'})
        run.span.end()
        this.runs.delete(m.inference_id)
        break
      }
      default:
        break
    }
  }

  private runOf(inferenceId: string): RunSpans {
    let run = this.runs.get(inferenceId)
    if (!run) {
      const span = this.tracer.startSpan('invoke_agent jiminy', {
        kind: otel().SpanKind.INTERNAL,
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': 'jiminy',
          'gen_ai.system': this.options.system,
          'gen_ai.provider.name': this.options.system,
          'gen_ai.conversation.id': this.options.convId,
          'jiminy.profile': this.options.profile,
          'jiminy.inference_id': inferenceId,
        },
      })
      run = {span, startedAt: Date.now(), messages: new Map(), tools: new Map()}
      this.runs.set(inferenceId, run)
    }
    return run
  }

  private child(run: RunSpans, name: string, kind: SpanKind, attributes: Attributes, startTime?: number, parent: Span = run.span): Span {
    const ctx = otel().trace.setSpan(otel().context.active(), parent)
    return this.tracer.startSpan(name, {kind, attributes, ...(startTime !== undefined ? {startTime} : {})}, ctx)
  }

  /** The trace arrives at the run's end: spans with the recorded times, each nested in the call at depth - 1. */
  private middlewareSpans(run: RunSpans, calls: readonly MiddlewareCall[]): void {
    const open: Span[] = []
    for (const call of calls) {
      open.length = Math.min(open.length, call.depth)
      const parent = open[call.depth - 1] ?? run.span
      const count = (d: MiddlewareCall['request']) => d.added.length + d.removed.length + d.changed.length
      const span = this.child(
        run,
        `middleware ${call.name}`,
        otel().SpanKind.INTERNAL,
        {
          'jiminy.middleware.name': call.name,
          'jiminy.middleware.depth': call.depth,
          'jiminy.middleware.round': call.round,
          'jiminy.middleware.self_ms': call.self_ms,
          'jiminy.middleware.request_changes': count(call.request),
          'jiminy.middleware.response_changes': count(call.response),
        },
        run.startedAt + call.start_ms,
        parent,
      )
      if (call.error !== undefined)
        span.setStatus({code: otel().SpanStatusCode.ERROR, ...(this.options.captureContent ? {message: call.error} : {})})
      span.end(run.startedAt + call.start_ms + call.duration_ms)
      open[call.depth] = span
    }
  }
}

/** A no-op sink when no endpoint is configured anywhere. */
const NOOP: EventSink = {publish: () => undefined}

export const otelSubscriberContribution = defineSubscriber({
  name: 'otel',
  description: 'export OpenTelemetry spans over OTLP/HTTP (GenAI semantic conventions); no content unless capture_content',
  config: OtelSubscriberConfigSchema,
  create: (config, ctx) => {
    const url = otlpTracesUrl(config, ctx.env)
    if (url === undefined) return NOOP
    return new OtelSink(tracerFor(ctx, url, config.service_name), {
      convId: ctx.convId,
      system: GEN_AI_SYSTEM[ctx.provider ?? ''] ?? ctx.provider ?? 'unknown',
      profile: ctx.profile,
      captureContent: config.capture_content,
    })
  },
})
