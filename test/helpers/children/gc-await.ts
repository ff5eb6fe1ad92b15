// Child script (Node or Bare): awaits once(store, 'gc') with nothing else keeping the
// process alive, then prints "collected". Args: <store folder>.
import { once } from 'events'
import process from 'process'
import Corestore from '../../../src'

async function main (): Promise<void> {
  const store = new Corestore(process.argv[2] as string, { gcIntervalMs: 50 })
  const core = store.get({ name: 'x' })
  await core.append('x')
  await core.close()
  await once(store, 'gc')
  console.log('collected')
  await store.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
