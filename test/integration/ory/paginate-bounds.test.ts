import t from 'tap'
import { createOryClient, identity, paginate, relationship } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

async function count (pages: AsyncIterable<unknown>): Promise<number> {
  const all: unknown[] = []
  for await (const page of pages) all.push(page)
  return all.length
}

t.test('a next token Ory repeats stops the walk instead of looping', async t => {
  const upstream = await startUpstream((req, res) => {
    // Page one offers "again"; page "again" offers "again" for ever.
    json(res, 200, [{ id: req.url }], { link: '<http://x/admin/identities?page_token=again>; rel="next"' })
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const pages = await count(paginate(client, identity.listIdentities, {}))
  t.equal(pages, 2, 'the first page and the page of "again", once')
  t.same(upstream.requests.map(r => r.url), ['/admin/identities', '/admin/identities?page_token=again'])
})

t.test('Ory echoing the caller\'s starting token does not fetch that page twice', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { relation_tuples: [], next_page_token: 'start' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const pages = await count(paginate(client, relationship.getRelationships, { page_token: 'start' }))
  t.equal(pages, 1)
  t.equal(upstream.requests.length, 1)
})

t.test('maxPages bounds a walk that would go on', async t => {
  const upstream = await startUpstream((_req, res) => {
    json(res, 200, [], { link: `<http://x/admin/identities?page_token=t${upstream.requests.length + 1}>; rel="next"` })
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const pages = await count(paginate(client, identity.listIdentities, {}, { maxPages: 4 }))
  t.equal(pages, 4)
  t.equal(upstream.requests.length, 4, 'no request for a fifth page')
  t.equal(upstream.requests[3]?.url, '/admin/identities?page_token=t4')
})

t.test('an error on a later page ends the walk with that error', async t => {
  const upstream = await startUpstream((_req, res) => {
    if (upstream.requests.length === 1) return json(res, 200, [], { link: '<http://x/admin/identities?page_token=t2>; rel="next"' })
    json(res, 500, { error: { code: 500, status: 'Internal Server Error', message: 'boom' } })
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const statuses: number[] = []
  const walk = async (): Promise<void> => {
    for await (const page of paginate(client, identity.listIdentities, {})) statuses.push(page.status)
  }
  await t.rejects(walk(), { name: 'OryUpstreamError', status: 500 })
  t.same(statuses, [200], 'the first page was yielded before the error')
})
