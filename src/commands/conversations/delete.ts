import * as Args from '@oclif/core/args'
import {conversationSourceFlags, openConversationSource} from '../../cli/conversation-source.js'
import {JiminyCommand} from '../../cli/jiminy-command.js'

export default class ConversationsDelete extends JiminyCommand {
  static override summary = 'Delete a stored conversation and everything kept for it.'
  static override description = `From the store file (--store, default conversations.db in the data dir) or, with --server, through a
running jiminy serve (which refuses while the conversation runs).`
  static override examples = ['<%= config.bin %> conversations delete conv-1']

  static override args = {id: Args.string({required: true, description: 'conversation id'})}
  static override flags = conversationSourceFlags

  async run(): Promise<{conv_id: string; deleted: true}> {
    const {args, flags} = await this.parse(ConversationsDelete)
    const source = openConversationSource({...flags, dataDir: this.config.dataDir})
    try {
      await source.remove(args.id)
      this.log(`deleted ${args.id}`)
      return {conv_id: args.id, deleted: true}
    } finally {
      await source.close()
    }
  }
}
