import * as Args from '@oclif/core/args'
import {useColour} from '../cli/colour.js'
import {configFlag} from '../cli/common-flags.js'
import {EXIT_FAILED, EXIT_OK} from '../cli/command-error.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
import {resolveConfigSpec} from '../engine/config-spec.js'
import {explainConfigDiff, renderConfigDiff} from '../engine/explain-diff.js'
import {withBuilder} from '../cli/with-builder.js'

export default class Diff extends JiminyCommand {
  static override summary = 'Explain how two engine configs differ.'
  static override description = `A and B are each a profile (P), a profile with an overrides file (P+overrides.json), a saved
EngineConfig JSON file, or the output of \`jiminy signature --json\`. Prints one reason per changed path
and a json-diff. Exit 0 when equal, 1 when different, 2 on bad input.`
  static override examples = [
    '<%= config.bin %> diff default step',
    '<%= config.bin %> diff default default+overrides.json',
    '<%= config.bin %> diff old-signature.json default --json',
  ]

  static override args = {
    a: Args.string({required: true, description: 'first config spec'}),
    b: Args.string({required: true, description: 'second config spec'}),
  }

  static override flags = {
    config: configFlag,
  }

  async run(): Promise<{
    equal: boolean
    from: {spec: string; hash: string}
    to: {spec: string; hash: string}
    reasons: string[]
    diff: unknown
  }> {
    const {args, flags} = await this.parse(Diff)
    const [from, to] = await withBuilder({...(flags.config ? {configPath: flags.config} : {}), dataDir: this.config.dataDir}, (builder) => [
      resolveConfigSpec(args.a, builder),
      resolveConfigSpec(args.b, builder),
    ])
    const explained = explainConfigDiff(from.config, to.config)
    if (!explained.changed) this.log(`equal: ${from.signature.hash}`)
    else {
      this.log(`${from.signature.hash} → ${to.signature.hash}`)
      for (const reason of explained.reasons) this.log(`  ${reason}`)
      this.log(renderConfigDiff(explained.diff, {color: useColour(process.stdout)}).trimEnd())
    }
    process.exitCode = explained.changed ? EXIT_FAILED : EXIT_OK
    return {
      equal: !explained.changed,
      from: {spec: from.spec, hash: from.signature.hash},
      to: {spec: to.spec, hash: to.signature.hash},
      reasons: explained.reasons,
      diff: explained.diff ?? null,
    }
  }
}
