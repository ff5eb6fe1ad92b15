// The HTML report in a real browser: headless Chromium from the OS package, driven
// with playwright-core. Without Chromium this file says it skipped and how to install
// it; under .ci/run (CORESTORE_REQUIRE_BROWSER=1) a missing Chromium is a failure.
import test from 'brittle'
import fs from 'fs'
import path from 'path'
import type { Browser, Page } from 'playwright-core'
import { writeReport } from '../../src/sim/report'
import { parseTrace } from '../../src/sim/trace/reader'
import type { TraceEvent } from '../../src/sim/trace/trace'
import { replayCommand } from '../../src/sim/trace/summary'
import { findChromium, INSTALL_HINT, launchChromium, REQUIRE_BROWSER } from '../helpers/browser'
import { cli } from '../helpers/cli'
import { tmpDir } from '../helpers/create'
import { appTraceEvents, PLANTED_FAILURE, PLANTED_MUTANT, tracePlantedFailure } from '../helpers/report-fixtures'
import { TRACE_FORMAT } from '../../src/sim/trace/trace'

/** Screenshots go here: under build/, which git ignores. */
const SHOTS = path.join(__dirname, '..', '..', 'test-artifacts')

const chromiumPath = findChromium()

if (chromiumPath === null && !REQUIRE_BROWSER) {
  console.log(`# SKIPPED report-browser tests: no Chromium found. To run them, ${INSTALL_HINT}.`)
  test(`report in Chromium: skipped, no Chromium (${INSTALL_HINT})`, { skip: true }, () => {})
} else {
  test('report in Chromium: Chromium is installed', (t) => {
    t.ok(chromiumPath !== null, chromiumPath ?? `no Chromium found, and CORESTORE_REQUIRE_BROWSER=1 requires one: ${INSTALL_HINT}`)
  })
  if (chromiumPath !== null) browserTests(chromiumPath)
}

function ofKind (events: readonly TraceEvent[], kind: string): TraceEvent[] {
  return events.filter((e) => e.k === kind)
}

/** Opens a report; collects console errors and page errors; waits until the page script is done. */
async function open (browser: Browser, file: string): Promise<{ page: Page, errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  const errors: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  page.on('pageerror', (err) => errors.push(String(err)))
  page.on('request', (req) => { if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) errors.push(`network request: ${req.url()}`) })
  await page.goto(`file://${file}`)
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 })
  return { page, errors }
}

/** Elements matching `selector` that are drawn (no `display: none` on them or above them). */
async function shown (page: Page, selector: string): Promise<number> {
  // Not playwright's :visible, which calls a 0-wide SVG line invisible, nor checkVisibility(),
  // which Chromium answers true for SVG elements under display: none.
  return page.locator(selector).evaluateAll((els) => els.filter((el) => {
    for (let e: Element | null = el; e !== null; e = e.parentElement) if (getComputedStyle(e).display === 'none') return false
    return true
  }).length)
}

/** Moves the pointer to the middle of the first element matching `selector`; returns the tooltip text. */
async function hover (page: Page, selector: string): Promise<string | null> {
  const box = await page.locator(selector).first().boundingBox()
  if (box === null) return null
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  const tip = page.locator('#tip')
  return await tip.isVisible() ? (await tip.textContent())?.replace(/\n/g, ' / ') ?? null : null
}

function browserTests (executable: string): void {
  const launched = async (t: { teardown (fn: () => unknown): void }): Promise<Browser> => {
    const browser = await launchChromium(executable)
    t.teardown(() => browser.close())
    return browser
  }

  test('report in Chromium: `run --seed 1 --html` draws every lane, fault, GC close and violation of its trace', { timeout: 240_000 }, async (t) => {
    const dir = await tmpDir(t)
    const html = path.join(dir, 'run.html')
    const trace = path.join(dir, 'run.jsonl')
    const ran = await cli(['run', '--seed', '1', '--html', html, '--trace', trace, '--no-progress'])
    t.is(ran.code, 0, ran.stderr)
    t.ok(ran.stdout.includes(`report: ${html}`), 'the run says where the report is')
    const events = parseTrace(fs.readFileSync(trace, 'utf8'))
    const sim = events[0] as TraceEvent
    const { page, errors } = await open(await launched(t), html)

    t.is(await page.locator('#plot .row.lane').count(), sim.peers as number, 'one lane per peer')
    t.is(await page.locator('#plot .band.fault').count(), ofKind(events, 'fault').length, `${ofKind(events, 'fault').length} fault bands`)
    const gc = ofKind(events, 'gc')
    t.ok(gc.length > 0, `${gc.length} GC closes`)
    t.is(await page.locator('#plot .m.gc').count(), gc.length, 'one GC mark per gc line')
    t.is(await page.locator('#plot .m.violation').count(), ofKind(events, 'violation').length, 'one red mark per violation line')
    const scenario = ofKind(events, 'scenario')[0] as TraceEvent
    const expected = replayCommand({ seed: 1, peers: sim.peers as number, cores: sim.cores as number, steps: (scenario.baseSteps ?? scenario.steps) as number, durationMs: scenario.durationMs as number, store: 'project' })
    t.is(await page.locator('#replay').textContent(), expected, 'the replay command')
    t.is(await page.locator('#steps li').count(), ofKind(events, 'step').length, 'one row per step')

    const tip = await hover(page, '#plot .m.gc')
    t.ok(tip !== null && /GC closed c\d+ on p\d+/.test(tip), `hovering a GC mark shows it: ${tip ?? '(no tooltip)'}`)
    const band = await hover(page, '#plot .band.fault')
    t.ok(band !== null && /→.*(lifted|healed)/.test(band), `hovering a fault band shows when it ran: ${band ?? '(no tooltip)'}`)

    const before = await page.locator('#scaled').getAttribute('transform')
    const ticks = await page.locator('#axis text').allTextContents()
    await page.click('#zoom-in')
    await page.click('#zoom-in')
    t.not(await page.locator('#scaled').getAttribute('transform'), before, 'zoom changes the time scale')
    t.unlike(await page.locator('#axis text').allTextContents(), ticks, 'and the axis')
    await page.mouse.move(700, 400)
    await page.mouse.down()
    await page.mouse.move(500, 400, { steps: 4 })
    await page.mouse.up()
    const panned = await page.locator('#scaled').getAttribute('transform')
    t.ok(panned !== null && /translate\(-[\d.]+/.test(panned), 'dragging pans')
    await page.click('#zoom-fit')

    await page.fill('#filter-peers', '0,2')
    t.is(await shown(page, '#plot .row.lane'), 2, 'the peer filter leaves two lanes')
    const shownSteps = await shown(page, '#steps li')
    t.ok(shownSteps < ofKind(events, 'step').length, `and the steps naming them (${shownSteps})`)
    await page.fill('#filter-peers', '')
    await page.fill('#filter-cores', '3')
    const coreMarks = await shown(page, '#plot .m[data-c]')
    t.ok(coreMarks > 0 && coreMarks < await page.locator('#plot .m[data-c]').count(), `the core filter keeps core 3's marks (${coreMarks})`)
    await page.fill('#filter-cores', 'x')
    t.ok(/bad part "x"/.test(await page.locator('#filter-error').textContent() ?? ''), 'a bad filter says so')
    await page.fill('#filter-cores', '')

    fs.mkdirSync(SHOTS, { recursive: true })
    const shot = path.join(SHOTS, 'report-seed-1.png')
    await page.screenshot({ path: shot })
    t.ok(fs.statSync(shot).size > 10_000, `screenshot written: ${shot}`)
    const timing = await page.evaluate(() => ({ paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime, ready: window.reportReady }))
    t.comment(`report of seed 1: ${fs.statSync(html).size} bytes, first contentful paint ${timing.paint?.toFixed(0) ?? '?'} ms, interactive ${timing.ready?.toFixed(0) ?? '?'} ms (not asserted)`)
    t.alike(errors, [], 'no console errors, no network request')
    await page.close()
  })

  test('report in Chromium: the failing scenario of a planted bug shows its violations, each linked to its step', { timeout: 120_000 }, async (t) => {
    const dir = await tmpDir(t)
    const { result, trace } = await tracePlantedFailure(dir)
    t.ok(result.violations.length > 0, `the planted bug ${PLANTED_MUTANT} fails the scenario: ${result.violations.length} violations`)
    const html = path.join(dir, 'planted.html')
    await writeReport(trace, { note: `shrunk failure of the planted bug ${PLANTED_MUTANT}: ${PLANTED_FAILURE.steps.length} steps` }, html)
    const events = parseTrace(fs.readFileSync(trace, 'utf8'))
    const { page, errors } = await open(await launched(t), html)

    const violations = ofKind(events, 'violation')
    t.is(await page.locator('#plot .m.violation').count(), violations.length, `${violations.length} red marks`)
    const targets = await page.locator('#plot a.vlink').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
    t.alike(targets, violations.map((v) => v.step === null ? '#violations' : `#step-${String(v.step)}`), 'each links to its step')
    for (const href of targets) t.is(await page.locator(href ?? '#none').count(), 1, `${href ?? ''} exists`)
    t.ok(await page.locator('#replay-none').isVisible(), 'no replay command: `run --seed` does not replay a scenario given as data (fuzz and replay pass theirs)')
    t.ok((await page.locator('#note').textContent())?.includes('shrunk failure'), 'the note says these are the shrunk steps')
    t.is(await page.locator('#steps li').count(), PLANTED_FAILURE.steps.length, 'the step list is the shrunk steps')

    const first = violations[0] as TraceEvent
    const tip = await hover(page, '#plot .m.violation')
    t.ok(tip !== null && tip.includes(`violation: ${String(first.invariant)}`) && tip.includes(String(first.detail)), `hovering the mark explains it: ${tip ?? '(no tooltip)'}`)
    // Where a user would click: the middle of the mark (playwright's click() calls a 0-wide SVG line invisible).
    const box = await page.locator('#plot .m.violation').first().boundingBox()
    if (box !== null) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await page.waitForFunction((id) => location.hash === id, `#step-${String(first.step)}`)
    const step = page.locator(`#step-${String(first.step)}`)
    t.ok(await step.evaluate((li) => li.matches(':target') || li.classList.contains('current')), 'clicking it selects its step')
    t.ok(await step.isVisible(), 'which is in view')

    fs.mkdirSync(SHOTS, { recursive: true })
    await page.screenshot({ path: path.join(SHOTS, 'report-planted.png') })
    t.alike(errors, [], 'no console errors, no network request')
    await page.close()
  })
  test('report in Chromium: the report of an empty trace says so, without errors', { timeout: 60_000 }, async (t) => {
    const dir = await tmpDir(t)
    const trace = path.join(dir, 'empty.jsonl')
    fs.writeFileSync(trace, '')
    await writeReport(trace, {}, path.join(dir, 'empty.html'))
    const { page, errors } = await open(await launched(t), path.join(dir, 'empty.html'))
    t.ok((await page.locator('#empty').textContent())?.includes('This trace is empty'), 'it says the trace is empty')
    t.alike(errors, [], 'no console errors')
  })

  test('report in Chromium: an app\'s operations in their own colours; every step\'s status in view, however long', { timeout: 60_000 }, async (t) => {
    const dir = await tmpDir(t)
    const trace = path.join(dir, 'app.jsonl')
    fs.writeFileSync(trace, appTraceEvents(TRACE_FORMAT).map((e) => JSON.stringify(e)).join('\n') + '\n')
    await writeReport(trace, {}, path.join(dir, 'app.html'))
    const { page, errors } = await open(await launched(t), path.join(dir, 'app.html'))
    const strokes = await page.locator('#plot .m.app').evaluateAll((els) => els.map((el) => getComputedStyle(el).stroke))
    t.ok(strokes.length >= 3 && new Set(strokes).size >= 3, `app marks in several colours: ${[...new Set(strokes)].join(' ')}`)
    t.ok((await page.locator('#legend').textContent())?.includes('app: put'), 'the legend names the operations')
    const cut = await page.locator('#steps li').evaluateAll((items) => {
      const side = document.getElementById('side') as HTMLElement
      const right = side.getBoundingClientRect().left + side.clientWidth
      return items.map((li) => {
        const sr = li.querySelector('.sr') as HTMLElement
        const box = sr.getBoundingClientRect()
        return { text: sr.textContent ?? '', out: box.right > right + 0.5 || sr.scrollWidth > sr.clientWidth + 1 }
      }).filter((x) => x.text.length > 0 && x.out).map((x) => x.text.slice(0, 40))
    })
    t.alike(cut, [], 'no status runs past the right edge of the step list')
    t.ok(await page.locator('#side').evaluate((el) => el.scrollWidth <= el.clientWidth + 1), 'the step list does not scroll sideways')
    t.is(await page.locator('#step-0 .si').textContent(), '1.', 'steps count from 1')
    t.alike(errors, [], 'no console errors')
  })

  test('report in Chromium: bench/RESULTS.svg renders, one row per metric', { timeout: 60_000 }, async (t) => {
    const file = path.join(__dirname, '..', '..', '..', 'bench', 'RESULTS.svg')
    const page = await (await launched(t)).newPage({ viewport: { width: 1000, height: 800 } })
    const errors: string[] = []
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
    page.on('pageerror', (err) => errors.push(String(err)))
    await page.goto(`file://${file}`)
    const rows = await page.locator('g.metric').count()
    t.ok(rows > 10, `${rows} metric rows`)
    const box = await page.locator('svg').first().boundingBox()
    t.ok(box !== null && box.width >= 900 && box.height > rows * 20, 'drawn at its size')
    const bar = await page.locator('g.metric rect.ratio').first().boundingBox()
    t.ok(bar !== null && bar.width > 0, 'bars are drawn')
    t.alike(errors, [], 'no console errors')
  })
}
