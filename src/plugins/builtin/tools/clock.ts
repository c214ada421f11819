import {z} from 'zod'
import {defineTool} from '../../../core/index.js'

export const clockTool = defineTool({
  name: 'clock',
  description: 'Tell the current date and time in an IANA time zone (default UTC).',
  args: z.object({timezone: z.string().min(1).max(64).default('UTC').describe('IANA zone, e.g. "Europe/Paris"')}),
  run: ({timezone}) => {
    let local: string
    try {
      local = new Intl.DateTimeFormat('en-GB', {timeZone: timezone, dateStyle: 'full', timeStyle: 'long'}).format(new Date())
    } catch {
      throw new Error(`unknown time zone ${JSON.stringify(timezone)}`)
    }
    return {iso: new Date().toISOString(), timezone, local}
  },
})
