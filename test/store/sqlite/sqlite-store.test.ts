import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {newTurn, userBlock} from '../../../src/core/index.js'
import {SqliteConversationStore} from '../../../src/store/index.js'
import {conversationStoreContract, deltaFrame, frame} from '../contract.js'
import {tempStoreDir} from './temp-store.js'

const tmp = tempStoreDir('sqlite')

conversationStoreContract('SqliteConversationStore', (options) => SqliteConversationStore.open(tmp.file(), options))

describe('SqliteConversationStore', () => {
  it('keeps everything across a close and reopen', async () => {
    const file = tmp.file()
    const first = SqliteConversationStore.open(file)
    await first.upsertConversation({id: 'c', profile: 'p', signature: 's', config: {a: 1}, title: 'hello'})
    first.appendFrames('c', [frame(1), frame(2)])
    await first.saveSnapshot('c', newTurn([userBlock('hello')]))
    await first.runStarted('c', 'inf_1', 10)
    await first.runEnded('c', 'inf_1', {status: 'completed', ended_at: 20})
    await first.close()

    const second = SqliteConversationStore.open(file)
    expect(await second.list()).toMatchObject([{id: 'c', title: 'hello', frame_count: 2, last_seq: 2}])
    expect(await second.framesAfter('c', 1)).toEqual([frame(2)])
    expect((await second.loadSnapshot('c'))?.blocks[0]?.payload).toEqual({text: 'hello'})
    expect(await second.runs('c')).toEqual([{inference_id: 'inf_1', status: 'completed', started_at: 10, ended_at: 20}])
    expect(second.recovered).toEqual([])
    await second.close()
  })

  it('marks a run left running by the previous process as interrupted when it opens', async () => {
    const file = tmp.file()
    const first = SqliteConversationStore.open(file)
    await first.runStarted('c', 'inf_1')
    first.appendFrames('c', [deltaFrame(1, 'inf_1', 'Hal'), deltaFrame(2, 'inf_1', 'Half an ans')])
    await first.flush()
    await first.close()
    // What a kill -9 leaves behind (the crash test does it for real): the run row still says running.
    const db = new Database(file)
    db.prepare(`UPDATE runs SET status = 'running', ended_at = NULL`).run()
    db.close()

    const second = SqliteConversationStore.open(file)
    expect(second.recovered).toMatchObject([{conv_id: 'c', inference_id: 'inf_1', status: 'interrupted', partial_text: 'Half an ans'}])
    expect((await second.runs('c'))[0]).toMatchObject({status: 'interrupted', partial_text: 'Half an ans'})
    await second.close()
  })
})
