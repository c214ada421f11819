import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {useColour} from '../cli/colour.js'
import {serverFlag, tokenFlag} from '../cli/common-flags.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
import {fetchConversation, type ConversationRebuilds} from '../cli/conversation-client.js'
import {formatRebuilds} from '../cli/rebuild-report.js'
import {formatRunTimelines} from '../cli/run-trace-report.js'
import {COLOURS, PLAIN} from '../cli/terminal-renderer.js'

export default class Explain extends JiminyCommand {
  static override summary = "Explain every rebuild of a live conversation's engine."
  static override description = `Fetches GET /api/conversations/CONV_ID from a running \`jiminy serve\` and prints each rebuild:
when, the signature before and after, one reason per changed path and the json-diff.`
  static override examples = [
    '<%= config.bin %> explain conv-1 --server http://127.0.0.1:8787',
    '<%= config.bin %> explain conv-1 --server http://127.0.0.1:8787 --token "$JIMINY_TOKEN" --json',
    '<%= config.bin %> explain conv-1 --server http://127.0.0.1:8787 --runs',
  ]

  static override args = {convId: Args.string({required: true, description: 'conversation id'})}

  static override flags = {
    server: serverFlag,
    token: tokenFlag,
    runs: Flags.boolean({
      description:
        "list the conversation's runs with their timelines (time to first token, tokens/s, tools, pauses) instead of its rebuilds",
    }),
  }

  async run(): Promise<ConversationRebuilds> {
    const {args, flags} = await this.parse(Explain)
    const conversation = await fetchConversation({
      server: flags.server,
      convId: args.convId,
      ...(flags.token ? {token: flags.token} : {}),
    })
    if (flags.runs) this.log(formatRunTimelines(conversation.conv_id, conversation.timelines, useColour(process.stdout) ? COLOURS : PLAIN))
    else this.log(formatRebuilds(conversation, {color: useColour(process.stdout)}))
    return conversation
  }
}
