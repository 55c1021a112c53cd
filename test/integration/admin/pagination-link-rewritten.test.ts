import t from 'tap'
import { ADA, adminApp, adminCall, signIn } from '../../helpers/admin.js'
import { parseLinkHeader } from '../../../src/ory/index.js'

t.test('Ory\'s pagination Link header points at the admin route, and following it gives the next page', async t => {
  const { app } = await adminApp(t)
  const ada = await signIn(t, app, ADA)
  for (const email of ['a1@example.com', 'a2@example.com', 'a3@example.com']) {
    const created = await adminCall(ada, 'POST', '/api/admin/identities', { schema_id: 'default', traits: { email, name: { first: 'A', last: 'B' } } })
    t.equal(created.statusCode, 201)
  }
  const seen = new Set<string>()
  let url: string | undefined = '/api/admin/identities?page_size=2'
  let pages = 0
  while (url !== undefined && pages < 5) {
    const page = await adminCall(ada, 'GET', url)
    t.equal(page.statusCode, 200)
    for (const identity of page.json() as Array<{ id: string }>) seen.add(identity.id)
    const links = parseLinkHeader(page.headers.link as string)
    t.ok([...links.values()].every(link => link.url.startsWith('/api/admin/identities?')), `every link is the admin route's: ${String(page.headers.link)}`)
    url = links.get('next')?.url
    pages++
  }
  t.equal(pages, 3)
  t.equal(seen.size, 5, 'every identity once')
})
