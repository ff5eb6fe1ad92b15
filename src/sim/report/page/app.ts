/// <reference lib="dom" />
// Entry of the report page's script: reads the embedded data and wires zoom, pan,
// hover, filters and the step list to the static timeline the generator drew.
import type { ReportData } from '../data'
import { Hover, type Hit } from './hover'
import { Selection } from './filters'
import { parseIndexList } from './format'
import { byId, View } from './view'

declare global {
  interface Window {
    /** Set once the page is interactive (ms since navigation start); the browser test waits for it. */
    reportReady?: number
  }
}

function start (): void {
  const data = JSON.parse(byId('report-data').textContent ?? 'null') as ReportData
  if (data.empty !== null) return ready()
  const view = new View(data)
  const selection = new Selection(data)
  const hover = new Hover(view, selection)
  const tip = byId('tip')
  const cursor = byId('cursor')

  const showTip = (hit: Hit | null, clientX: number, clientY: number): void => {
    if (hit === null) {
      tip.hidden = true
      return
    }
    tip.textContent = hit.text
    tip.hidden = false
    const w = tip.offsetWidth
    const h = tip.offsetHeight
    tip.style.left = `${Math.min(clientX + 14, window.innerWidth - w - 4)}px`
    tip.style.top = `${clientY + 16 + h > window.innerHeight ? clientY - h - 10 : clientY + 16}px`
  }
  const local = (e: MouseEvent): { x: number, y: number } => {
    const r = view.plot.getBoundingClientRect()
    return { x: e.clientX - r.left, y: e.clientY - r.top }
  }
  const showStep = (i: number): void => {
    const li = document.getElementById(`step-${i}`)
    if (li === null) return
    document.querySelectorAll('#steps li.current').forEach((el) => el.classList.remove('current'))
    li.classList.add('current')
    li.scrollIntoView({ block: 'center' })
  }

  // Zoom and pan.
  let drag: { x: number, t0: number, moved: boolean } | null = null
  view.plot.addEventListener('wheel', (e) => {
    const { x } = local(e)
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault()
      view.zoom(Math.exp(-e.deltaY / 300), view.tAt(x))
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault()
      view.pan(((e.shiftKey ? e.deltaY : e.deltaX) / view.width) * (view.t1 - view.t0))
    }
  }, { passive: false })
  view.plot.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return
    drag = { x: e.clientX, t0: view.t0, moved: false }
  })
  window.addEventListener('mousemove', (e) => {
    if (drag === null) return
    const dx = e.clientX - drag.x
    if (Math.abs(dx) > 3) drag.moved = true
    if (!drag.moved) return
    view.plot.classList.add('dragging')
    const w = view.t1 - view.t0
    view.set(drag.t0 - dx / view.k, drag.t0 - dx / view.k + w)
  })
  window.addEventListener('mouseup', () => {
    view.plot.classList.remove('dragging')
    setTimeout(() => { drag = null }, 0)
  })
  view.plot.addEventListener('dblclick', (e) => view.zoom(e.shiftKey ? 0.5 : 2, view.tAt(local(e).x)))
  byId('zoom-in').addEventListener('click', () => view.zoom(2))
  byId('zoom-out').addEventListener('click', () => view.zoom(0.5))
  byId('zoom-fit').addEventListener('click', () => view.fit())
  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement) return
    const w = view.t1 - view.t0
    if (e.key === '+' || e.key === '=') view.zoom(2)
    else if (e.key === '-' || e.key === '_') view.zoom(0.5)
    else if (e.key === '0') view.fit()
    else if (e.key === 'ArrowLeft') view.pan(-w / 4)
    else if (e.key === 'ArrowRight') view.pan(w / 4)
  })
  window.addEventListener('resize', () => view.resize())

  // Hover and click.
  view.plot.addEventListener('mousemove', (e) => {
    if (drag?.moved === true) return showTip(null, 0, 0)
    const { x, y } = local(e)
    const hit = hover.at(x, y)
    cursor.setAttribute('x1', String(x))
    cursor.setAttribute('x2', String(x))
    showTip(hit, e.clientX, e.clientY)
  })
  view.plot.addEventListener('mouseleave', () => showTip(null, 0, 0))
  view.plot.addEventListener('click', (e) => {
    if (drag?.moved === true) return
    const { x, y } = local(e)
    const step = hover.at(x, y)?.step
    if (step !== undefined) showStep(step)
  })
  byId('steps').addEventListener('click', (e) => {
    const li = (e.target as Element).closest('li')
    if (li === null) return
    const s = data.steps[Number(li.getAttribute('data-i'))]
    if (s === undefined) return
    showStep(s.i)
    if (s.t < view.t0 || s.t > view.t1) view.center(s.t)
    const x = (s.t - view.t0) * view.k
    cursor.setAttribute('x1', String(x))
    cursor.setAttribute('x2', String(x))
  })

  // Filters.
  const peersInput = byId('filter-peers') as HTMLInputElement
  const coresInput = byId('filter-cores') as HTMLInputElement
  const quiet = byId('show-quiet') as HTMLInputElement
  const error = byId('filter-error')
  const refilter = (): void => {
    try {
      selection.peers = parseIndexList(peersInput.value)
      selection.cores = parseIndexList(coresInput.value)
      error.textContent = ''
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err)
      return
    }
    selection.showQuiet = quiet.checked
    selection.apply(view)
  }
  for (const input of [peersInput, coresInput]) input.addEventListener('input', refilter)
  quiet.addEventListener('change', refilter)

  view.relayout((row) => selection.row(row))
  view.resize()
  if (location.hash.startsWith('#step-')) showStep(Number(location.hash.slice(6)))
  ready()
}

function ready (): void {
  window.reportReady = performance.now()
  document.documentElement.dataset.ready = 'true'
}

start()
