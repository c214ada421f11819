import {configFlag} from '../../cli/common-flags.js'
import {JiminyCommand} from '../../cli/jiminy-command.js'
import {withBuilder} from '../../cli/with-builder.js'
import {listProfiles, type ProfileSummary} from '../../engine/profile-summary.js'

export default class ProfilesList extends JiminyCommand {
  static override summary = 'List the profiles of the config file (and the built-in ones).'
  static override examples = ['<%= config.bin %> profiles list', '<%= config.bin %> profiles list --config jiminy.yaml --json']

  static override flags = {
    config: configFlag,
  }

  async run(): Promise<ProfileSummary[]> {
    const {flags} = await this.parse(ProfilesList)
    const profiles = await withBuilder({...(flags.config ? {configPath: flags.config} : {}), dataDir: this.config.dataDir}, listProfiles)
    const width = Math.max(...profiles.map((p) => p.slug.length))
    for (const p of profiles) this.log(`${p.default ? '*' : ' '} ${p.slug.padEnd(width)}  ${p.signature}  ${p.provider}  ${p.description}`)
    return profiles
  }
}
