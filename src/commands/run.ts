import {Args, Command, Flags} from '@oclif/core'
import {TerminalRenderer, COLOURS, PLAIN} from '../cli/terminal-renderer.js'
import {PROVIDER_TYPES} from '../providers/index.js'
import {runOnce, type EngineOverrides} from '../engine/index.js'

export default class Run extends Command {
  static override summary = 'Run one prompt through an engine and stream the answer.'
  static override description = `Uses the same profiles, middlewares and tool loop as \`jiminy serve\`.
The default profile is the offline mock engine: add /tool, /tools, /think, /error or /slow to the prompt to pick a scenario.
Ctrl-C cancels the run.`
  static override examples = [
    '<%= config.bin %> run "what is 2+3? /tool"',
    '<%= config.bin %> run --json "hello"',
    '<%= config.bin %> run --provider openai-chat --model gpt-4o-mini "hi"',
  ]
  static override enableJsonFlag = true

  static override args = {prompt: Args.string({required: true, description: 'the prompt'})}

  static override flags = {
    profile: Flags.string({char: 'p', description: 'profile slug from the config file'}),
    config: Flags.string({char: 'c', description: 'config file (default: ./jiminy.yaml if present)'}),
    provider: Flags.string({options: [...PROVIDER_TYPES], description: 'provider type, overriding the profile'}),
    model: Flags.string({description: 'model name, overriding the profile'}),
    'base-url': Flags.string({description: 'provider base URL, overriding the profile'}),
    system: Flags.string({description: 'system prompt, overriding the profile'}),
    'single-pass': Flags.boolean({description: 'one inference, no tool execution'}),
    'max-iterations': Flags.integer({min: 1, max: 100, description: 'most inferences the tool loop may make'}),
    'record-provider': Flags.string({
      description: 'save each provider HTTP exchange (secrets removed) to this cassette dir',
      exclusive: ['mock-provider'],
    }),
    'mock-provider': Flags.string({description: 'serve provider HTTP exchanges from this cassette dir instead of the network'}),
  }

  async run(): Promise<{turn: unknown; events: unknown[]}> {
    const {args, flags} = await this.parse(Run)
    const json = this.jsonEnabled()
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

    const abort = new AbortController()
    const onSigint = () => abort.abort()
    process.once('SIGINT', onSigint)
    const renderer = new TerminalRenderer(process.stdout.isTTY ? COLOURS : PLAIN)
    try {
      const result = await runOnce({
        prompt: args.prompt,
        ...(flags.profile ? {profile: flags.profile} : {}),
        ...(flags.config ? {configPath: flags.config} : {}),
        overrides,
        signal: abort.signal,
        ...(flags['record-provider'] ? {providerCassette: {mode: 'record' as const, dir: flags['record-provider']}} : {}),
        ...(flags['mock-provider'] ? {providerCassette: {mode: 'replay' as const, dir: flags['mock-provider']}} : {}),
        ...(json ? {} : {onEvent: (e) => process.stdout.write(renderer.render(e))}),
      })
      const {outcome} = result
      if (outcome.status === 'failed') {
        if (!json) this.logToStderr(`jiminy: run failed: ${outcome.error}`)
        process.exitCode = 1
      } else if (outcome.status === 'cancelled') {
        if (!json) this.logToStderr('jiminy: run cancelled')
        process.exitCode = 130
      }
      return {turn: outcome.turn, events: result.events}
    } catch (error) {
      this.logToStderr(`jiminy: ${error instanceof Error ? error.message : String(error)}`)
      return this.exit(2)
    } finally {
      process.off('SIGINT', onSigint)
    }
  }
}
