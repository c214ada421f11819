import {existsSync} from 'node:fs'
import {chromium, type Browser} from 'playwright-core'

/** Debian's chromium: required (CI installs it with apt); without it a browser test fails, it never skips. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Headless Debian chromium as every browser test drives it. The background-networking flags keep it
 * from dialling Google's hosts, which this machine's closed network refuses many at a time.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's chromium (apt-get install -y chromium)`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
