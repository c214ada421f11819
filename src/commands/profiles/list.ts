import {Command, Flags} from '@oclif/core'
import {failWith} from '../../cli/command-errors.js'
import {listProfiles, loadEngineBuilder, type ProfileSummary} from '../../engine/index.js'

export default class ProfilesList extends Command {
  static override summary = 'List the profiles of the config file (and the built-in ones).'
  static override examples = ['<%= config.bin %> profiles list', '<%= config.bin %> profiles list --config jiminy.yaml --json']
  static override enableJsonFlag = true

  static override flags = {
    config: Flags.string({char: 'c', description: 'config file (default: ./jiminy.yaml if present)'}),
  }

  async run(): Promise<ProfileSummary[]> {
    const {flags} = await this.parse(ProfilesList)
    try {
      const builder = await loadEngineBuilder({...(flags.config ? {configPath: flags.config} : {}), dataDir: this.config.dataDir})
      const profiles = listProfiles(builder)
      const width = Math.max(...profiles.map((p) => p.slug.length))
      for (const p of profiles)
        this.log(`${p.default ? '*' : ' '} ${p.slug.padEnd(width)}  ${p.signature}  ${p.provider}  ${p.description}`)
      return profiles
    } catch (error) {
      return failWith(this, error)
    }
  }
}
