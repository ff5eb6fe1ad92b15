import test from 'brittle'
import { create } from '../helpers/create'

test('smoke: named core, append, reopen session', async (t) => {
  const store = await create(t)
  const a = store.get({ name: 'test' })
  const b = store.get({ name: 'test' })
  await a.ready()
  await b.ready()
  t.alike(a.key, b.key)
  t.is(a.core, b.core)
  await a.append('hello')
  t.alike(await b.get(0), Buffer.from('hello'))
  await a.close()
  await b.close()
})
