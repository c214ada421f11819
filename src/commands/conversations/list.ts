import {conversationSourceFlags, openConversationSource, type ConversationRow} from '../../cli/conversation-source.js'
import {JiminyCommand} from '../../cli/jiminy-command.js'

export default class ConversationsList extends JiminyCommand {
  static override summary = 'List stored conversations, most recent activity first.'
  static override description = `Reads the store file (--store, default conversations.db in the data dir, the file serve uses) or,
with --server, a running jiminy serve. While serve runs it holds the file locked: use --server then.`
  static override examples = [
    '<%= config.bin %> conversations list',
    '<%= config.bin %> conversations list --store ./chats.db --json',
    '<%= config.bin %> conversations list --server http://127.0.0.1:8787',
  ]

  static override flags = conversationSourceFlags

  async run(): Promise<{store: string; conversations: ConversationRow[]}> {
    const {flags} = await this.parse(ConversationsList)
    const source = openConversationSource({...flags, dataDir: this.config.dataDir})
    try {
      const conversations = await source.list()
      if (conversations.length === 0) this.log(`no conversations in ${source.location}`)
      for (const c of conversations)
        this.log(
          [c.conv_id, c.last_activity, c.profile, c.running ? 'running' : '', JSON.stringify(c.title || '(untitled)')]
            .filter(Boolean)
            .join('  '),
        )
      return {store: source.location, conversations}
    } finally {
      await source.close()
    }
  }
}
