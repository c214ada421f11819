import {ESLint} from 'eslint'
import {beforeAll, describe, expect, it} from 'vitest'

/**
 * The layer table of DESIGN §1 is held by the linter (eslint-plugin-boundaries in eslint.config.js).
 * This drives ESLint's API on probe files so the rule is known to fire, not just configured.
 */
const eslint = new ESLint({cwd: process.cwd()})

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath})
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/element-types').map((m) => m.message)
}

describe('layer boundaries (DESIGN §1)', () => {
  // The first lint builds the type-checked program of the whole src/ (tens of seconds on a busy machine): not a case's time.
  beforeAll(() => boundaryErrors('src/core/__layer_probe__.ts', 'export const x = 1\n'), 180_000)

  it.each([
    [
      'src/core/__layer_probe__.ts',
      "import {startServer} from '../webchat/index.js'\nexport const x = startServer\n",
      'core must not import webchat',
    ],
    [
      'src/sem/__layer_probe__.ts',
      "import {replayFixture} from '../fixtures/index.js'\nexport const x = replayFixture\n",
      'sem must not import fixtures',
    ],
    [
      'src/fixtures/__layer_probe__.ts',
      "import {startServer} from '../webchat/index.js'\nexport const x = startServer\n",
      'fixtures must not import webchat',
    ],
    [
      'src/conversation/__layer_probe__.ts',
      "import {replayFixture} from '../fixtures/index.js'\nexport const x = replayFixture\n",
      'conversation must not import fixtures',
    ],
    [
      'src/engine/__layer_probe__.ts',
      "import {wireConversation} from '../conversation/index.js'\nexport const x = wireConversation\n",
      'engine must not import conversation',
    ],
    [
      'src/store/__layer_probe__.ts',
      "import {MemoryBus} from '../bus/index.js'\nexport const x = MemoryBus\n",
      'store must not import bus',
    ],
    [
      'src/plugins/__layer_probe__.ts',
      "import {MemoryBus} from '../bus/index.js'\nexport const x = MemoryBus\n",
      'plugins must not import bus',
    ],
  ])('refuses an upward import in %s', async (filePath, code, message) => {
    const errors = await boundaryErrors(filePath, code)
    expect(errors.join('\n')).toContain(message)
  })

  it.each([
    ['src/webchat/__layer_probe__.ts', "import {replayFixture} from '../fixtures/index.js'\nexport const x = replayFixture\n"],
    ['src/engine/__layer_probe__.ts', "import {newId} from '../core/index.js'\nexport const x = newId\n"],
    ['src/conversation/__layer_probe__.ts', "import {StreamCoordinator} from '../sem/index.js'\nexport const x = StreamCoordinator\n"],
    ['src/fixtures/__layer_probe__.ts', "import {wireConversation} from '../conversation/index.js'\nexport const x = wireConversation\n"],
    ['src/commands/__layer_probe__.ts', "import {startServer} from '../webchat/index.js'\nexport const x = startServer\n"],
  ])('accepts a downward import in %s', async (filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([])
  })
})
