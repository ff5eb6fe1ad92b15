// npm run bench:report: the HTML report of a 64-peer, 64-core default-length run in
// headless Chromium: file size, first paint, time until interactive, and how long
// zoom, pan, filter and hover take. Prints one line per figure; nothing is asserted.
import { spawnSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { findChromium, INSTALL_HINT, launchChromium } from '../test/helpers/browser'

const CLI = path.join(__dirname, '..', '..', 'dist', 'sim', 'cli', 'main.js')
const ARGS = ['run', '--seed', '1', '--peers', '64', '--cores', '64', '--no-progress']

async function main (): Promise<void> {
  const chromium = findChromium()
  if (chromium === null) throw new Error(`no Chromium: ${INSTALL_HINT}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corestore-report-page-'))
  try {
    const html = path.join(dir, 'run.html')
    const started = Date.now()
    const ran = spawnSync(process.execPath, [CLI, ...ARGS, '--html', html], { encoding: 'utf8' })
    if (ran.status !== 0) throw new Error(`run failed: ${ran.stderr}`)
    console.log(`command: npx corestore-sim ${ARGS.join(' ')} --html run.html (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    console.log(`report size: ${fs.statSync(html).size} bytes`)
    const browser = await launchChromium(chromium)
    try {
      for (let round = 1; round <= 3; round++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
        await page.goto(`file://${html}`)
        await page.waitForFunction(() => document.documentElement.dataset.ready === 'true')
        const t = await page.evaluate(async () => {
          const frame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
          const click = async (id: string, n: number): Promise<number> => {
            const t0 = performance.now()
            for (let i = 0; i < n; i++) {
              document.getElementById(id)?.click()
              await frame()
            }
            return (performance.now() - t0) / n
          }
          const zoom = await click('zoom-in', 8)
          await click('zoom-fit', 1)
          const input = document.getElementById('filter-peers') as HTMLInputElement
          const f0 = performance.now()
          input.value = '0-15'
          input.dispatchEvent(new Event('input'))
          await frame()
          const filter = performance.now() - f0
          input.value = ''
          input.dispatchEvent(new Event('input'))
          const plot = document.getElementById('plot') as unknown as SVGSVGElement
          const r = plot.getBoundingClientRect()
          const h0 = performance.now()
          for (let i = 0; i < 200; i++) {
            plot.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + (i * 7) % r.width, clientY: r.top + 120 + (i * 13) % 900, bubbles: true }))
          }
          const hover = (performance.now() - h0) / 200
          return {
            paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
            ready: window.reportReady ?? NaN,
            zoom,
            filter,
            hover,
            elements: document.querySelectorAll('#plot *').length
          }
        })
        console.log(`round ${round}: first contentful paint ${t.paint.toFixed(0)} ms, interactive ${t.ready.toFixed(0)} ms, ` +
          `zoom step to next frame ${t.zoom.toFixed(1)} ms, peer filter ${t.filter.toFixed(1)} ms, hover ${t.hover.toFixed(2)} ms; ${t.elements} SVG elements`)
        await page.close()
      }
    } finally {
      await browser.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exitCode = 1
})
