/**
 * What the mock engine does for a prompt. A developer picks one with a slash tag in the prompt
 * ("what is 2+3? /tool") or fixes one in the profile (`provider.scenario`).
 */
export const MOCK_SCENARIOS = {
  plain: 'answer in a few sentences that quote the prompt',
  tool: 'call one built-in tool (clock when the prompt mentions time or date, else calc), then answer with its result',
  tools: 'call calc and clock in one message (parallel calls), then answer with both results',
  think: 'stream some thinking, then answer',
  error: 'stream a few words, then fail with a provider error mid-stream',
  slow: 'stream a long answer slowly (for trying cancel)',
  loop: 'call calc on every inference, never finishing on its own (for trying max_iterations)',
} as const

export type MockScenario = keyof typeof MOCK_SCENARIOS

export function isMockScenario(name: string): name is MockScenario {
  return Object.hasOwn(MOCK_SCENARIOS, name)
}

/** The scenario a prompt asks for: the last `/tag` naming a scenario wins; none means plain. */
export function scenarioFromPrompt(prompt: string): MockScenario {
  let found: MockScenario = 'plain'
  for (const match of prompt.matchAll(/(?:^|\s)\/([a-z]+)\b/g)) {
    const tag = match[1]!
    if (isMockScenario(tag)) found = tag
  }
  return found
}

/** The prompt with its scenario tags removed, as the mock quotes it back. */
export function stripScenarioTags(prompt: string): string {
  return prompt
    .replace(/(^|\s)\/([a-z]+)\b/g, (whole, lead: string, tag: string) => (isMockScenario(tag) ? lead : whole))
    .replace(/\s+/g, ' ')
    .trim()
}

/** An arithmetic expression in the prompt, for the calc scenario; a fixed one when there is none. */
export function expressionFromPrompt(prompt: string): string {
  const candidates = prompt.match(/[\d.()+\-*/%^ ]+/g) ?? []
  for (const raw of candidates) {
    const candidate = raw.trim()
    if (/\d/.test(candidate) && /\d\s*[-+*/%^]\s*[\d(]/.test(candidate)) return candidate
  }
  return '6 * 7'
}

export function wantsClock(prompt: string): boolean {
  return /\b(time|clock|date|day|today|now)\b/i.test(prompt)
}

/** Word-sized chunks that keep their spacing, like real token streams. */
export function wordChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? []
}
