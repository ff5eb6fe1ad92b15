// Headless Chromium from the OS package, driven with playwright-core (which never
// downloads a browser). Shared by the report's browser test and its measurement.
import fs from 'fs'
import { chromium, type Browser } from 'playwright-core'

/** Where OS packages put Chromium; CHROMIUM_PATH comes first. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

/** How to get a browser when there is none. */
export const INSTALL_HINT = 'install Chromium with `sudo apt-get update && sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary'

/**
 * Set (to 1) by .ci/run: the browser tests must run there, so a missing Chromium is a
 * failure rather than a skip.
 */
export const REQUIRE_BROWSER = process.env.CORESTORE_REQUIRE_BROWSER === '1'

/** The Chromium binary to use, or null when none is installed. */
export function findChromium (): string | null {
  const given = process.env.CHROMIUM_PATH
  const list = given !== undefined && given.length > 0 ? [given] : CANDIDATES
  for (const file of list) {
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return file
    } catch {
      // Not there (or not executable): try the next place.
    }
  }
  return null
}

/**
 * Launches headless Chromium the way it runs as root in a container: no sandbox, no
 * GPU, nothing that reaches the network on its own. playwright-core gives every
 * launch a fresh profile folder of its own and removes it on close.
 */
export async function launchChromium (executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync']
  })
}
