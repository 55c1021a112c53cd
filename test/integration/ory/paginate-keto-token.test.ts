import t from 'tap'
import { createOryClient, paginate, paginateItems, relationship } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

const tuple = (object: string): Record<string, string> => ({ namespace: 'Doc', object, relation: 'viewer', subject_id: 'u1' })

/** Keto pages by a `next_page_token` in the body, with no Link header; the last page has an empty token. */
const pages: Record<string, { relation_tuples: Array<Record<string, string>>, next_page_token: string }> = {
  '': { relation_tuples: [tuple('d1'), tuple('d2')], next_page_token: 'k2' },
  k2: { relation_tuples: [tuple('d3'), tuple('d4')], next_page_token: 'k3' },
  k3: { relation_tuples: [tuple('d5')], next_page_token: '' }
}

t.test('paginate follows Keto\'s next_page_token for relationship.getRelationships', async t => {
  const upstream = await startUpstream((req, res) => {
    const token = new URL(req.url, 'http://x').searchParams.get('page_token') ?? ''
    const page = pages[token]
    if (page === undefined) return json(res, 404, { error: { code: 404, status: 'Not Found', message: 'no such page' } })
    json(res, 200, page)
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false, validateResponses: true })
  t.teardown(async () => await client.close())

  const tokens: string[] = []
  for await (const page of paginate(client, relationship.getRelationships, { namespace: 'Doc', page_size: 2 })) {
    tokens.push(page.body.next_page_token ?? '')
  }
  t.same(tokens, ['k2', 'k3', ''])
  t.same(upstream.requests.map(r => r.url), [
    '/relation-tuples?page_size=2&namespace=Doc',
    '/relation-tuples?page_token=k2&page_size=2&namespace=Doc',
    '/relation-tuples?page_token=k3&page_size=2&namespace=Doc'
  ])

  const objects: string[] = []
  for await (const item of paginateItems(client, relationship.getRelationships, { namespace: 'Doc', page_size: 2 })) {
    objects.push((item as { object: string }).object)
  }
  t.same(objects, ['d1', 'd2', 'd3', 'd4', 'd5'], 'paginateItems yields the relation_tuples')
})
