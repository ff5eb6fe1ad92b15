import type { ReportData, Row } from './data'

/** Row heights, in px. */
export const ROW_HEIGHT = { phases: 14, violations: 14, faultRow: 9, volume: 36, events: 14, lane: 16, link: 12 } as const

/**
 * The timeline's rows, top to bottom: phases, violations, faults, message volume,
 * events that name no peer (only when there are some), one lane per peer, then one
 * row per link. Links with nothing but setup and teardown are `quiet`: hidden at
 * first, and they take no room while hidden.
 */
export function layoutRows (data: Omit<ReportData, 'rows'>): Row[] {
  const rows: Row[] = []
  let y = 0
  const add = (row: Omit<Row, 'y'>): void => {
    rows.push({ ...row, y })
    if (row.quiet !== true) y += row.h
  }
  add({ id: 'row-phases', kind: 'phases', label: 'phases', h: ROW_HEIGHT.phases })
  add({ id: 'row-violations', kind: 'violations', label: `violations (${data.violations.length})`, h: ROW_HEIGHT.violations })
  add({ id: 'row-faults', kind: 'faults', label: `faults (${data.faults.length})`, h: Math.max(1, data.faultRows) * ROW_HEIGHT.faultRow + 4 })
  add({ id: 'row-volume', kind: 'volume', label: 'traffic', h: ROW_HEIGHT.volume })
  if (data.marks.some((m) => m.p < 0)) add({ id: 'row-events', kind: 'events', label: 'events', h: ROW_HEIGHT.events })
  for (let p = 0; p < data.peers; p++) add({ id: `lane-${p}`, kind: 'lane', label: `p${p}`, h: ROW_HEIGHT.lane, p })
  for (const link of data.links) {
    add({ id: `link-${link.name}`, kind: 'link', label: `link ${link.name}`, h: ROW_HEIGHT.link, link: link.name, ...(link.eventful ? {} : { quiet: true }) })
  }
  return rows
}
