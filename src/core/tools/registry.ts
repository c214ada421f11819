import {z} from 'zod'

/** JSON Schema for a tool's arguments, as sent to providers. */
export type JsonSchema = Record<string, unknown>

export interface ToolRunContext {
  readonly signal: AbortSignal
  readonly callId: string
}

export interface ToolDefinition {
  readonly name: string
  readonly description: string
  /** JSON Schema of the arguments object; providers receive exactly this. */
  readonly parameters: JsonSchema
  /** Validates and normalizes arguments before run; returns an error message on bad input. */
  validate(args: Record<string, unknown>): {ok: true; args: Record<string, unknown>} | {ok: false; error: string}
  run(args: Record<string, unknown>, ctx: ToolRunContext): Promise<unknown>
  /** Where it comes from when not from a plugin (`mcp:SERVER`): on the `tool-call-execute` event. */
  readonly source?: string
}

/** Declares a tool whose arguments are described by a zod object; the JSON schema is derived from it. */
export function defineTool<S extends z.ZodObject>(spec: {
  name: string
  description: string
  args: S
  run: (args: z.infer<S>, ctx: ToolRunContext) => unknown
}): ToolDefinition {
  const parameters = z.toJSONSchema(spec.args, {target: 'draft-2020-12'}) as JsonSchema
  delete parameters.$schema
  return {
    name: spec.name,
    description: spec.description,
    parameters,
    validate(args) {
      const parsed = spec.args.safeParse(args)
      if (parsed.success) return {ok: true, args: parsed.data}
      const issue = parsed.error.issues[0]
      return {
        ok: false,
        error: `invalid arguments for ${spec.name}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'rejected'}`,
      }
    },
    run: async (args, ctx) => spec.run(args as z.infer<S>, ctx),
  }
}

export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>()

  constructor(tools: Iterable<ToolDefinition> = []) {
    for (const tool of tools) this.register(tool)
  }

  register(tool: ToolDefinition): void {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name))
      throw new Error(`invalid tool name ${JSON.stringify(tool.name)}: use 1-64 letters, digits, _ or -`)
    if (this.tools.has(tool.name)) throw new Error(`tool ${tool.name} is already registered`)
    this.tools.set(tool.name, tool)
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name)
  }

  list(): ToolDefinition[] {
    return [...this.tools.values()]
  }
}
