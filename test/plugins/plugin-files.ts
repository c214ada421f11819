import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** A temp directory for plugin files, removed by `cleanup`. */
export async function pluginDir(
  prefix = 'jiminy-plugins-',
): Promise<{dir: string; write(name: string, text: string): Promise<string>; cleanup(): Promise<void>}> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return {
    dir,
    async write(name, text) {
      const file = join(dir, name)
      await mkdir(join(file, '..'), {recursive: true})
      await writeFile(file, text)
      return file
    },
    cleanup: () => rm(dir, {recursive: true, force: true}),
  }
}

/** Source of a plugin module (factory form) contributing one middleware, one executor and one tool. */
export function pluginSource(opts: {
  name: string
  version?: string
  middleware?: string
  executor?: string
  tool?: string
  marker?: string
}): string {
  return `// ${opts.marker ?? ''}
export default ({definePlugin, defineMiddleware, defineToolExecutor, defineTool, z}) => definePlugin({
  name: ${JSON.stringify(opts.name)},
  version: ${JSON.stringify(opts.version ?? '0.1.0')},
  middlewares: [${opts.middleware ? `defineMiddleware({name: ${JSON.stringify(opts.middleware)}, config: z.object({level: z.number().int().default(1)}).strict(), create: () => (next) => next})` : ''}],
  toolExecutors: [${opts.executor ? `defineToolExecutor({name: ${JSON.stringify(opts.executor)}, config: z.object({}).strict(), create: () => ({execute: async (call) => ({id: call.id, result: ${JSON.stringify(opts.marker ?? 'x')}})})})` : ''}],
  tools: [${opts.tool ? `defineTool({name: ${JSON.stringify(opts.tool)}, description: 't', args: z.object({}), run: () => ${JSON.stringify(opts.marker ?? 'x')}})` : ''}],
})
`
}
