/** No live conversation with this id here (never started, or evicted after being idle). */
export class UnknownConversationError extends Error {
  constructor(readonly convId: string) {
    super(`no conversation ${JSON.stringify(convId)} (never started, or evicted after being idle)`)
    this.name = 'UnknownConversationError'
  }
}

/** Every live conversation is busy (sockets or a run) and the cap is reached. */
export class TooManyConversationsError extends Error {
  constructor(readonly limit: number) {
    super(`too many live conversations (limit ${limit}, all in use); try again later or raise limits.max_conversations`)
    this.name = 'TooManyConversationsError'
  }
}
