import { identity, paginate, parseLinkHeader } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Kratos' keyset pagination: page_size and an opaque page_token, with Link: <…>; rel="first" and, while there is
// more, <…>; rel="next" (relative URLs, as Kratos writes them).
emulatorTest('admin identities are listed page by page with Link headers', async (t, emu) => {
  const { client } = emu
  const emails = Array.from({ length: 7 }, (_, i) => `user${i}@example.com`)
  for (const email of emails) await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email } } })

  const first = await identity.listIdentities(client, { page_size: 3 })
  t.equal(first.body.length, 3)
  const links = parseLinkHeader(first.headers.link)
  t.match(links.get('first')?.url, /^\/admin\/identities\?page_size=3&page_token=/)
  t.match(links.get('next')?.url, /^\/admin\/identities\?page_size=3&page_token=/)
  t.equal(links.get('next')?.params.page_size, '3')

  const pages: string[][] = []
  for await (const page of paginate(client, identity.listIdentities, { page_size: 3 })) {
    pages.push(page.body.map(i => (i.traits as { email: string }).email))
  }
  t.same(pages.map(p => p.length), [3, 3, 1])
  t.same(pages.flat(), emails, 'every identity once, in order')

  const last = await identity.listIdentities(client, { page_size: 3, page_token: links.get('next')!.params.page_token })
  t.equal(last.body.length, 3)
  const lastLinks = parseLinkHeader((await identity.listIdentities(client, { page_size: 5, page_token: links.get('next')!.params.page_token })).headers.link)
  t.notOk(lastLinks.has('next'), 'no next link on the last page')
  t.ok(lastLinks.has('first'))

  const one = await identity.listIdentities(client, { credentials_identifier: 'USER4@example.com' })
  t.same(one.body.map(i => (i.traits as { email: string }).email), ['user4@example.com'])
  const byIds = await identity.listIdentities(client, { ids: [first.body[0]!.id, first.body[2]!.id] })
  t.equal(byIds.body.length, 2)

  const bad = await oryError(t, identity.listIdentities(client, { page_token: 'not-a-token' }), 400)
  t.equal(bad.error.code, 400)
  await oryError(t, identity.listIdentities(client, { page_size: 0 }), 400)
  t.equal(emu.state.identities.size, 7)
})
