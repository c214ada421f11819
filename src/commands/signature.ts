import * as Flags from '@oclif/core/flags'
import {configFlag, profileFlag} from '../cli/common-flags.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
// Direct modules, not the engine barrel (it loads run-once, watchers and cassettes): start-up time.
import {signatureOf} from '../engine/engine-config.js'
import {withBuilder} from '../cli/with-builder.js'
import {parseOverrideAssignments} from '../engine/override-assignments.js'

export default class Signature extends JiminyCommand {
  static override summary = "Print a profile's canonical engine config and its signature hash."
  static override description = `The signature is the canonical JSON (sorted keys) of every input that shapes the engine: provider
(without secrets), system prompt, middlewares, tools, tool executor, subscribers, loop, step mode and
the version or content hash of each plugin used. Same inputs give the same bytes; no key ever appears.`
  static override examples = [
    '<%= config.bin %> signature --profile default',
    '<%= config.bin %> signature -p default --override provider.model=gpt-4o --override loop.max_iterations=3 --json',
  ]

  static override flags = {
    profile: profileFlag,
    override: Flags.string({char: 'o', multiple: true, default: [], description: 'key=value override (dotted key, JSON or string value)'}),
    config: configFlag,
  }

  async run(): Promise<{profile: string; hash: string; canonical: string; config: unknown}> {
    const {flags} = await this.parse(Signature)
    const config = await withBuilder({...(flags.config ? {configPath: flags.config} : {}), dataDir: this.config.dataDir}, (builder) =>
      builder.buildConfig(flags.profile ?? builder.config.default_profile, parseOverrideAssignments(flags.override)),
    )
    const {canonical, hash} = signatureOf(config)
    this.log(`${hash}  ${config.profile}`)
    this.log(canonical)
    return {profile: config.profile, hash, canonical, config: JSON.parse(canonical) as unknown}
  }
}
