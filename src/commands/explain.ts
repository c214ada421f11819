import {Args, Command, Flags} from '@oclif/core'
import {failWith} from '../cli/command-errors.js'
import {useColour} from '../cli/colour.js'
import {fetchConversation, type ConversationRebuilds} from '../cli/conversation-client.js'
import {formatRebuilds} from '../cli/rebuild-report.js'

export default class Explain extends Command {
  static override summary = "Explain every rebuild of a live conversation's engine."
  static override description = `Fetches GET /api/conversations/CONV_ID from a running \`jiminy serve\` and prints each rebuild:
when, the signature before and after, one reason per changed path and the json-diff.`
  static override examples = [
    '<%= config.bin %> explain conv-1 --server http://127.0.0.1:8787',
    '<%= config.bin %> explain conv-1 --server http://127.0.0.1:8787 --token "$JIMINY_TOKEN" --json',
  ]
  static override enableJsonFlag = true

  static override args = {convId: Args.string({required: true, description: 'conversation id'})}

  static override flags = {
    server: Flags.string({char: 's', default: 'http://127.0.0.1:8787', description: 'URL of the running jiminy serve'}),
    token: Flags.string({description: 'bearer token of the server (--token of serve)', env: 'JIMINY_TOKEN'}),
  }

  async run(): Promise<ConversationRebuilds> {
    const {args, flags} = await this.parse(Explain)
    try {
      const conversation = await fetchConversation({
        server: flags.server,
        convId: args.convId,
        ...(flags.token ? {token: flags.token} : {}),
      })
      this.log(formatRebuilds(conversation, {color: useColour(process.stdout)}))
      return conversation
    } catch (error) {
      return failWith(this, error)
    }
  }
}
