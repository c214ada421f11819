import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./test/global-setup.ts'],
    // Servers started in-process stay quiet; tests that read logs pass their own logger or level.
    env: {JIMINY_LOG_LEVEL: 'silent'},
    reporters: ['default', './test/summary-reporter.ts'],
  },
})
