import fs from 'fs'
import path from 'path'

/** The page script's modules (compiled from page/*.ts next to this file); `app` is the entry. */
const PAGE_MODULES = ['format', 'view', 'hover', 'filters', 'app'] as const

let cached: string | null = null

/**
 * The page script: the compiled page modules (CommonJS, as tsc emits them for this
 * package) inlined with a ten-line `require`, so the page needs no bundler, no
 * network and no module loader.
 */
export function pageScript (): string {
  if (cached !== null) return cached
  const defs = PAGE_MODULES.map((name) => {
    const file = path.join(__dirname, 'page', `${name}.js`)
    const code = fs.readFileSync(file, 'utf8')
      .replace(/^\/\/# sourceMappingURL=.*$/m, '')
      .replace(/<\/script/gi, '<\\/script')
    return `${JSON.stringify(`./${name}`)}: function (exports, require) {\n${code}\n}`
  })
  cached = `(function () {
var defs = {${defs.join(',\n')}};
var done = {};
function require (name) {
  if (done[name] !== undefined) return done[name].exports;
  var m = done[name] = { exports: {} };
  defs[name](m.exports, require);
  return m.exports;
}
require('./app');
})();`
  return cached
}
