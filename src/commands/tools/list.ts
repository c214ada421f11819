import {configFlag, profileFlag} from '../../cli/common-flags.js'
import {JiminyCommand} from '../../cli/jiminy-command.js'
import {withBuilder} from '../../cli/with-builder.js'
import {listProfileTools, type ToolListing} from '../../engine/tool-listing.js'

export default class ToolsList extends JiminyCommand {
  static override summary = "List a profile's tools with their source (built-in, plugin file, MCP server) and input schema."
  static override description = `MCP servers the profile takes tools from (tools: [mcp:NAME] or mcp:NAME/TOOL) are started and asked
for their tools; one that cannot be reached is an error naming it. --json adds each tool's JSON Schema.`
  static override examples = ['<%= config.bin %> tools list', '<%= config.bin %> tools list --profile files --json']

  static override flags = {
    profile: profileFlag,
    config: configFlag,
  }

  async run(): Promise<{profile: string; tools: ToolListing[]}> {
    const {flags} = await this.parse(ToolsList)
    const listed = await withBuilder({...(flags.config ? {configPath: flags.config} : {}), dataDir: this.config.dataDir}, (builder) =>
      listProfileTools(builder, flags.profile),
    )
    const nameWidth = Math.max(0, ...listed.tools.map((t) => t.name.length))
    const sourceWidth = Math.max(0, ...listed.tools.map((t) => t.source.length))
    if (listed.tools.length === 0) this.log(`profile ${listed.profile} has no tools`)
    for (const t of listed.tools)
      this.log(`${t.name.padEnd(nameWidth)}  ${t.source.padEnd(sourceWidth)}  ${t.description.split('\n')[0] ?? ''}`.trimEnd())
    return listed
  }
}
