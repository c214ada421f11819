import * as Args from '@oclif/core/args'
import {blockText} from '../../core/index.js'
import {conversationSourceFlags, openConversationSource, type ConversationShown} from '../../cli/conversation-source.js'
import {JiminyCommand} from '../../cli/jiminy-command.js'

export default class ConversationsShow extends JiminyCommand {
  static override summary = 'Show a stored conversation: title, profile, runs and the transcript of its snapshot.'
  static override description = `Reads the store file (--store, default conversations.db in the data dir) or, with --server, a running
jiminy serve. --json gives the whole record: runs, rebuilds and the snapshot turn.`
  static override examples = [
    '<%= config.bin %> conversations show conv-1',
    '<%= config.bin %> conversations show conv-1 --json | jq .runs',
  ]

  static override args = {id: Args.string({required: true, description: 'conversation id'})}
  static override flags = conversationSourceFlags

  async run(): Promise<ConversationShown> {
    const {args, flags} = await this.parse(ConversationsShow)
    const source = openConversationSource({...flags, dataDir: this.config.dataDir})
    try {
      const c = await source.show(args.id)
      this.log(`${c.conv_id}  ${JSON.stringify(c.title || '(untitled)')}`)
      this.log(
        `profile ${c.profile}  signature ${c.signature}  last seq ${c.last_seq}${c.last_activity ? `  last activity ${c.last_activity}` : ''}`,
      )
      for (const r of c.runs) this.log(`run ${r.inference_id}: ${r.status}${r.error ? ` (${r.error})` : ''}`)
      for (const block of c.turn?.blocks ?? []) {
        const text = blockText(block)
        if (text) this.log(`${block.kind === 'user' ? '>' : block.kind === 'llm_text' ? '<' : `[${block.kind}]`} ${text}`)
      }
      return c
    } finally {
      await source.close()
    }
  }
}
