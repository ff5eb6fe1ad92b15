/** Colours of the report, by what they mean (the legend shows the same). */
export const COLORS = {
  append: '#2563eb',
  get: '#16a34a',
  download: '#0d9488',
  'open-session': '#9333ea',
  'close-session': '#db2777',
  gc: '#ea580c',
  race: '#92400e',
  inflight: '#dc2626',
  step: '#64748b',
  other: '#64748b',
  app: '#0f766e',
  violation: '#dc2626',
  crashed: '#fca5a5',
  restarting: '#fcd34d',
  disconnect: '#f97316',
  partition: '#a855f7',
  stall: '#eab308',
  slow: '#38bdf8',
  crash: '#ef4444',
  restart: '#f59e0b',
  'disk-error': '#7c3aed',
  'disk-full': '#be123c',
  'read-error': '#0891b2',
  'one-way': '#a3e635',
  sleep: '#1e3a8a',
  heal: '#22c55e'
} as const

/** Colours of a workload's operations, given in order of first appearance (then again from the first). */
export const APP_COLORS = ['#0284c7', '#c026d3', '#65a30d', '#e11d48', '#0d9488', '#b45309', '#4f46e5', '#f97316', '#7c2d12', '#15803d'] as const

/** The page's style sheet. */
export const STYLES = `
:root { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #0f172a; background: #fff; }
body { margin: 0; height: 100vh; display: flex; flex-direction: column; }
header, #controls, #legend { flex: none; }
header { padding: 10px 14px 6px; border-bottom: 1px solid #e2e8f0; }
h1 { font-size: 17px; margin: 0 0 4px; }
h2 { font-size: 13px; margin: 8px 0 4px; }
.facts { margin: 0 0 6px; color: #334155; }
.facts b.bad { color: ${COLORS.violation}; }
.replay code { background: #f1f5f9; padding: 2px 6px; border-radius: 4px; user-select: all; word-break: break-all; }
details table { border-collapse: collapse; margin: 4px 0; }
details td { padding: 1px 10px 1px 0; vertical-align: top; }
details td:first-child { color: #475569; }
.note { background: #fef9c3; padding: 4px 6px; border-radius: 4px; margin: 4px 0; }
.empty { margin: 24px 14px; font-size: 15px; }
#controls { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; padding: 6px 14px; border-bottom: 1px solid #e2e8f0; }
#controls input[type=text] { width: 110px; }
#controls button { min-width: 28px; }
#filter-error { color: ${COLORS.violation}; }
.hint { color: #64748b; font-size: 12px; }
main { display: flex; align-items: stretch; flex: 1; min-height: 320px; }
#timeline { flex: 1; min-width: 0; display: flex; flex-direction: column; }
#axis-wrap { display: flex; flex: none; border-bottom: 1px solid #cbd5e1; }
#axis-wrap .pad { width: 92px; flex: none; }
#axis { flex: 1; height: 22px; display: block; }
#axis text { font-size: 10px; fill: #475569; text-anchor: middle; }
#axis line { stroke: #94a3b8; }
#rows-wrap { flex: 1; overflow-y: auto; overflow-x: hidden; display: flex; align-items: flex-start; }
#labels { flex: none; display: block; }
#labels text { font-size: 10px; text-anchor: end; fill: #334155; }
#labels text.quiet { fill: #94a3b8; }
#plot { flex: 1; display: block; cursor: crosshair; user-select: none; }
#plot.dragging { cursor: grabbing; }
.rowbg { fill: transparent; }
.row.lane:nth-child(odd) .rowbg { fill: #f8fafc; }
.row.faults .rowbg, .row.volume .rowbg { fill: #f1f5f9; }
.m, .heal-line, .vhl, #cursor { vector-effect: non-scaling-stroke; }
.m { stroke-width: 2px; }
.m.bad { stroke-dasharray: 2 2; stroke-width: 3px; }
${(['append', 'get', 'download', 'open-session', 'close-session', 'gc', 'race', 'inflight', 'app', 'step', 'other'] as const)
  .map((k) => `.m.${k} { stroke: ${COLORS[k]}; }`).join('\n')}
.m.violation { stroke: ${COLORS.violation}; stroke-width: 4px; }
.vlink { cursor: pointer; }
.vhl { stroke: ${COLORS.violation}; stroke-width: 1px; stroke-opacity: 0.8; }
.state.crashed { fill: ${COLORS.crashed}; }
.state.restarting { fill: ${COLORS.restarting}; }
.state.asleep { fill: ${COLORS.sleep}; fill-opacity: 0.25; }
.band, .lfault, .pshade { fill: #94a3b8; }
${(['disconnect', 'partition', 'stall', 'slow', 'crash', 'restart', 'disk-error', 'disk-full', 'read-error',
  'one-way', 'sleep'] as const)
  .map((k) => `.band.f-${k}, .lfault.f-${k}, .pshade.f-${k} { fill: ${COLORS[k]}; }`).join('\n')}
.band.end-end { fill-opacity: 0.6; }
.lfault, .pshade { fill-opacity: 0.3; }
.band.dim { fill-opacity: 0.15; }
.down { fill: #cbd5e1; }
.down.why-partition { fill: ${COLORS.partition}; fill-opacity: 0.5; }
.down.why-disconnect { fill: ${COLORS.disconnect}; fill-opacity: 0.5; }
.down.why-peer-down { fill: ${COLORS.crashed}; }
.phase { fill: #e2e8f0; }
.phase.ph-faults { fill: #fee2e2; }
.phase.ph-heal { fill: #bbf7d0; }
.phase.ph-cooldown { fill: #e0f2fe; }
.shade.ph-heal { fill: ${COLORS.heal}; fill-opacity: 0.08; }
.shade.ph-cooldown { fill: #0ea5e9; fill-opacity: 0.05; }
.heal-line { stroke: ${COLORS.heal}; stroke-width: 1px; stroke-dasharray: 4 3; }
.vol { fill: #475569; }
#cursor { stroke: #0f172a; stroke-opacity: 0.35; stroke-width: 1px; pointer-events: none; }
#side { width: 380px; flex: none; border-left: 1px solid #e2e8f0; overflow-y: auto; padding: 0 10px; }
#side ol { margin: 0; padding: 0; list-style: none; font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
#side li { display: flex; gap: 8px; padding: 0 4px; border-radius: 3px; cursor: pointer; }
#side li:hover { background: #f1f5f9; }
#side li.hidden { display: none; }
#side li:target, #side li.current { background: #fde68a; }
#steps .si { color: #94a3b8; min-width: 3em; text-align: right; }
#steps .st { color: #475569; min-width: 6.5em; }
#steps .sx { flex: 1; min-width: 0; overflow-wrap: anywhere; }
#steps .sr { flex: none; max-width: 40%; overflow-wrap: anywhere; text-align: right; }
#steps li.failed .sr { color: ${COLORS.violation}; }
#steps li.has-violation .sx::after { content: " ⚠"; color: ${COLORS.violation}; }
#violations li { color: ${COLORS.violation}; display: block; }
#violations a { color: inherit; }
#legend { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 6px 14px; border-top: 1px solid #e2e8f0; font-size: 12px; }
#legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; background: var(--c); }
#tip { position: fixed; z-index: 10; max-width: 460px; background: #0f172a; color: #f8fafc; padding: 5px 8px; border-radius: 4px;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; pointer-events: none; white-space: pre-wrap; }
`
