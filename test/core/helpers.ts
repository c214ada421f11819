import {CollectingSink, newId, withRunContext, type Event, type RunContext} from '../../src/core/index.js'

/** Runs fn inside a fresh run context and returns its result plus every event published. */
export async function inRun<T>(
  fn: (ctx: RunContext) => Promise<T>,
  signal = new AbortController().signal,
): Promise<{result: T; events: Event[]}> {
  const sink = new CollectingSink()
  const ctx: RunContext = {sessionId: 'conv-test', inferenceId: newId('inf'), turnId: newId('turn'), signal, sinks: [sink]}
  const result = await withRunContext(ctx, () => fn(ctx))
  return {result, events: sink.events}
}

/** Polls check until it holds; fails the test with a clear message after timeoutMs. */
export async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 2))
  }
}
