// Child script (Node or Bare): holds a store folder open, prints "ready", and closes the
// store when its stdin ends. Args: <store folder>.
import process from 'process'
import Corestore from '../../../src'

const store = new Corestore(process.argv[2] as string)
store.ready().then(() => console.log('ready'), (err) => {
  console.error(err)
  process.exit(1)
})
process.stdin.on('end', () => { store.close().catch(() => process.exit(1)) })
process.stdin.resume()
