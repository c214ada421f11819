import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {useColour} from '../cli/colour.js'
import {EXIT_CANCELLED, EXIT_FAILED, type ErrorJson} from '../cli/command-error.js'
import {configFlag, profileFlag} from '../cli/common-flags.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
import {stepAnswerer} from '../cli/step-prompt.js'
import {formatMiddlewareTrace, formatTimeline} from '../cli/run-trace-report.js'
import {TerminalRenderer, COLOURS, PLAIN, type TerminalStyle} from '../cli/terminal-renderer.js'
import {STEP_ACTIONS, type Event, type RunStatus, type StepAction, type Turn} from '../core/index.js'
import {PROVIDER_TYPES} from '../providers/config.js'
import type {EngineOverrides} from '../engine/overrides.js'
import {runOnce, type RunOnceOptions} from '../engine/run-once.js'

/** What `jiminy run --json` prints: the outcome, the final turn and every event of the run. */
export interface RunResult {
  readonly status: RunStatus
  readonly error?: ErrorJson
  readonly inference_id: string
  readonly turn: Turn
  readonly events: Event[]
  /** With `--store FILE`: the conversation the run was kept as. */
  readonly stored?: {readonly conv_id: string; readonly store: string}
}

export default class Run extends JiminyCommand {
  static override summary = 'Run one prompt through an engine and stream the answer.'
  static override description = `Uses the same profiles, middlewares and tool loop as \`jiminy serve\`.
The default profile is the offline mock engine: add /tool, /tools, /think, /error or /slow to the prompt to pick a scenario.
In step mode (--profile step) it asks at each pause on a terminal (c continue, s skip, d deny); without a terminal
--step ACTION answers every pause. Ctrl-C cancels the run (exit 130); a failed run exits 1.`
  static override examples = [
    '<%= config.bin %> run "what is 2+3? /tool"',
    '<%= config.bin %> run --json "hello"',
    '<%= config.bin %> run --profile step --step deny "what is 2+3? /tool"',
    '<%= config.bin %> run --provider openai-chat --model gpt-4o-mini "hi"',
  ]

  static override args = {prompt: Args.string({required: true, description: 'the prompt'})}

  static override flags = {
    profile: profileFlag,
    config: configFlag,
    provider: Flags.string({options: [...PROVIDER_TYPES], description: 'provider type, overriding the profile'}),
    model: Flags.string({description: 'model name, overriding the profile'}),
    'base-url': Flags.string({description: 'provider base URL, overriding the profile'}),
    system: Flags.string({description: 'system prompt, overriding the profile'}),
    'single-pass': Flags.boolean({description: 'one inference, no tool execution'}),
    'max-iterations': Flags.integer({min: 1, max: 100, description: 'most inferences the tool loop may make'}),
    step: Flags.string({
      options: [...STEP_ACTIONS],
      description: 'answer every step-mode pause with this action instead of asking (needed without a terminal)',
    }),
    'record-provider': Flags.string({
      description: 'save each provider HTTP exchange (secrets removed) to this cassette dir',
      exclusive: ['mock-provider'],
    }),
    'mock-provider': Flags.string({description: 'serve provider HTTP exchanges from this cassette dir instead of the network'}),
    store: Flags.string({
      description: 'keep the run as a conversation of this SQLite store file (as serve --store does); without it run keeps nothing',
    }),
    trace: Flags.boolean({description: 'after the answer, print the middleware trace as a tree and the run timeline'}),
    record: Flags.string({
      description:
        'record the run in this folder as a recording that `jiminy replay --rerun` runs again ({conv_id}.jsonl, golden, inputs, cassette)',
    }),
  }

  async run(): Promise<RunResult> {
    const {args, flags} = await this.parse(Run)
    const json = this.jsonEnabled()
    const style = useColour(process.stdout) ? COLOURS : PLAIN
    const abort = new AbortController()
    const onSigint = () => abort.abort()
    process.once('SIGINT', onSigint)
    const renderer = new TerminalRenderer(style)
    try {
      const once: RunOnceOptions = {
        prompt: args.prompt,
        ...(flags.profile ? {profile: flags.profile} : {}),
        ...(flags.config ? {configPath: flags.config} : {}),
        overrides: overridesFrom(flags),
        signal: abort.signal,
        onStepPause: stepAnswerer({
          ...(flags.step ? {action: flags.step as StepAction} : {}),
          style: useColour(process.stderr) ? COLOURS : PLAIN,
          ...(flags.profile ? {profile: flags.profile} : {}),
        }),
        ...(flags['record-provider'] ? {providerCassette: {mode: 'record' as const, dir: flags['record-provider']}} : {}),
        ...(flags['mock-provider'] ? {providerCassette: {mode: 'replay' as const, dir: flags['mock-provider']}} : {}),
        ...(json ? {} : {onEvent: (e: Event) => process.stdout.write(renderer.render(e))}),
      }
      let result: Awaited<ReturnType<typeof runOnce>>
      if (flags.record !== undefined) {
        // The recorder (fixtures, cassettes) and the store load only with their flags: start-up time.
        const {recordRunOnce} = await import('../fixtures/record-run.js')
        const recorded = await recordRunOnce(flags.record, once)
        this.logToStderr(`jiminy: recorded ${recorded.recording.path}`)
        result = recorded
      } else {
        result = await runOnce(once)
      }
      const {outcome} = result
      const stored =
        flags.store !== undefined
          ? await (await import('../cli/run-store.js')).saveRunToStore(flags.store, result, args.prompt, result.config.profile)
          : undefined
      if (stored && !json) this.logToStderr(`jiminy: stored as conversation ${stored.conv_id} in ${stored.store}`)
      if (flags.trace && !json) this.log(traceReport(result.events, style))
      let error: ErrorJson | undefined
      if (outcome.status === 'failed') {
        error = {code: 'run_failed', message: outcome.error ?? 'the run failed'}
        this.logToStderr(`jiminy: run failed: ${error.message}`)
        process.exitCode = EXIT_FAILED
      } else if (outcome.status === 'cancelled') {
        error = {code: 'cancelled', message: 'run cancelled'}
        this.logToStderr('jiminy: run cancelled')
        process.exitCode = EXIT_CANCELLED
      } else if (outcome.status === 'denied' && !json) {
        // The user's own decision, so exit 0; said out loud, since the answer stops short of the tools.
        this.logToStderr('jiminy: run ended: tool calls denied')
      }
      return {
        status: outcome.status,
        ...(error ? {error} : {}),
        inference_id: outcome.inferenceId,
        turn: outcome.turn,
        events: result.events,
        ...(stored ? {stored} : {}),
      }
    } finally {
      process.off('SIGINT', onSigint)
    }
  }
}

/** `--trace`: the run's middleware trace (a tree) and its timeline, from the run's own events. */
function traceReport(events: readonly Event[], style: TerminalStyle): string {
  const trace = events.find((e) => e.type === 'middleware-trace')
  const finished = events.find((e) => e.type === 'run-finished')
  return [
    '',
    formatMiddlewareTrace(trace?.type === 'middleware-trace' ? trace.calls : [], style),
    ...(finished?.type === 'run-finished' && finished.timeline ? [formatTimeline(finished.timeline, style)] : []),
  ].join('\n')
}

function overridesFrom(flags: {
  provider?: string | undefined
  model?: string | undefined
  'base-url'?: string | undefined
  system?: string | undefined
  'single-pass'?: boolean
  'max-iterations'?: number | undefined
}): EngineOverrides {
  const overrides: EngineOverrides = {}
  const provider = {
    ...(flags.provider ? {type: flags.provider as (typeof PROVIDER_TYPES)[number]} : {}),
    ...(flags.model ? {model: flags.model} : {}),
    ...(flags['base-url'] ? {base_url: flags['base-url']} : {}),
  }
  if (Object.keys(provider).length > 0) overrides.provider = provider
  if (flags.system !== undefined) overrides.system_prompt = flags.system
  if (flags['single-pass'] || flags['max-iterations']) {
    overrides.loop = {
      ...(flags['single-pass'] ? {single_pass: true} : {}),
      ...(flags['max-iterations'] ? {max_iterations: flags['max-iterations']} : {}),
    }
  }
  return overrides
}
