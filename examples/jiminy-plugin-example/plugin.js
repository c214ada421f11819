// A jiminy plugin in plain ESM JavaScript: no build step, no dependencies. The default export is a
// function receiving the host's API (definePlugin, defineMiddleware, defineToolExecutor,
// defineSubscriber, defineTool and zod as `z`), so the plugin always uses jiminy's own zod.

export default ({definePlugin, defineMiddleware, defineToolExecutor, defineSubscriber, defineTool, z}) =>
  definePlugin({
    name: 'jiminy-plugin-example',
    version: '1.0.0',
    middlewares: [
      defineMiddleware({
        name: 'shout',
        description: 'upper-case the assistant text of each inference, and add a suffix',
        config: z.object({suffix: z.string().max(16).default('!')}).strict(),
        create:
          ({suffix}) =>
          (next) =>
          async (turn, ctx) => {
            const before = turn.blocks.length
            const out = await next(turn, ctx)
            const blocks = out.blocks.map((block, i) =>
              i >= before && block.kind === 'llm_text' && typeof block.payload.text === 'string'
                ? {...block, payload: {...block.payload, text: `${block.payload.text.toUpperCase()}${suffix}`}}
                : block,
            )
            return {...out, blocks}
          },
      }),
    ],
    toolExecutors: [
      defineToolExecutor({
        name: 'audited',
        description: 'run each tool and stamp its result with the executor name and a call counter',
        config: z.object({label: z.string().min(1).max(32).default('audited')}).strict(),
        create: ({label}) => {
          let calls = 0
          return {
            async execute(call, ctx) {
              const tool = ctx.registry.get(call.name)
              if (!tool) return {id: call.id, result: null, error: `unknown tool ${call.name}`}
              const checked = tool.validate(call.args)
              if (!checked.ok) return {id: call.id, result: null, error: checked.error}
              calls += 1
              const result = await tool.run(checked.args, {signal: ctx.signal, callId: call.id})
              return {id: call.id, result: {[label]: calls, result}}
            },
          }
        },
      }),
    ],
    subscribers: [
      defineSubscriber({
        name: 'run-summary',
        description: 'write one line to stderr per assistant message: events seen, tools run, answer length',
        config: z.object({label: z.string().min(1).max(32).default('run-summary')}).strict(),
        create: ({label}, {profile, convId}) => {
          const seen = new Map() // inference_id -> {events, tools}
          return {
            publish(event) {
              const id = event.meta.inference_id
              const run = seen.get(id) ?? {events: 0, tools: []}
              seen.set(id, run)
              run.events += 1
              if (event.type === 'tool-call-execution-result') run.tools.push(event.tool_result.error ? 'failed' : 'ok')
              if (event.type === 'tool-call') run.tools.push(event.tool_call.name)
              if (event.type === 'final') {
                const tools = run.tools.length > 0 ? run.tools.join(' ') : 'none'
                process.stderr.write(
                  `[${label}] ${profile} ${convId}: ${run.events} events, tools: ${tools}, answer: ${event.text.length} chars\n`,
                )
              }
            },
          }
        },
      }),
    ],
    tools: [
      defineTool({
        name: 'word_count',
        description: 'Count the words of a text.',
        args: z.object({text: z.string().max(100000).describe('the text to count')}),
        run: ({text}) => ({words: text.trim() === '' ? 0 : text.trim().split(/\s+/).length}),
      }),
    ],
  })
