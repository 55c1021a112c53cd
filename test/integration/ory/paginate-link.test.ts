import t from 'tap'
import { createOryClient, identity, paginate, paginateItems } from '../../../src/ory/index.js'
import { json, startUpstream, type Upstream } from '../../helpers/upstream.js'

/** Three pages of identities, linked the way Ory links them: absolute URLs in a Link header. */
const pages: Record<string, { items: Array<{ id: string }>, next?: string }> = {
  '': { items: [{ id: 'i1' }, { id: 'i2' }], next: 'tok2' },
  tok2: { items: [{ id: 'i3' }, { id: 'i4' }], next: 'tok3' },
  tok3: { items: [{ id: 'i5' }] }
}

async function start (): Promise<Upstream> {
  const upstream: Upstream = await startUpstream((req, res) => {
    const url = new URL(req.url, upstream.url)
    const page = pages[url.searchParams.get('page_token') ?? '']
    if (page === undefined) return json(res, 400, { error: { code: 400, status: 'Bad Request', message: 'bad token' } })
    const self = `${upstream.url}/admin/identities?page_size=2`
    const links = [`<${self}&page_token=first>; rel="first"`]
    if (page.next !== undefined) links.unshift(`<${self}&page_token=${page.next}>; rel="next"`)
    json(res, 200, page.items, { link: links.join(',') })
  })
  return upstream
}

t.test('paginate walks identity.listIdentities through three pages and stops', async t => {
  const upstream = await start()
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_x', retry: false })
  t.teardown(async () => await client.close())

  const bodies: unknown[] = []
  for await (const page of paginate(client, identity.listIdentities, { page_size: 2 })) {
    t.equal(page.status, 200)
    bodies.push(page.body)
  }
  t.same(bodies, [pages['']!.items, pages.tok2!.items, pages.tok3!.items])
  t.same(upstream.requests.map(r => r.url), [
    '/admin/identities?page_size=2',
    '/admin/identities?page_size=2&page_token=tok2',
    '/admin/identities?page_size=2&page_token=tok3'
  ], 'the caller\'s params are kept, the token follows rel="next"')
  t.ok(upstream.requests.every(r => r.headers.authorization === 'Bearer ory_pat_x'), 'every page is authenticated')
})

t.test('paginateItems yields the identities one by one across the pages', async t => {
  const upstream = await start()
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const ids: string[] = []
  for await (const item of paginateItems(client, identity.listIdentities, { page_size: 2 })) ids.push((item as { id: string }).id)
  t.same(ids, ['i1', 'i2', 'i3', 'i4', 'i5'])
  t.equal(upstream.requests.length, 3)
})

t.test('breaking out of the loop stops fetching', async t => {
  const upstream = await start()
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  for await (const item of paginateItems(client, identity.listIdentities, { page_size: 2 })) {
    if ((item as { id: string }).id === 'i3') break
  }
  t.equal(upstream.requests.length, 2, 'the third page is never asked for')
})

t.test('the pages are typed by the operation, and its params are checked', async t => {
  const upstream = await start()
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const ids: string[] = []
  // `page.body` is Identity[] here; were it `unknown`, this would not compile.
  for await (const page of paginate(client, identity.listIdentities, { page_size: 2 })) ids.push(...page.body.map(item => item.id))
  t.same(ids, ['i1', 'i2', 'i3', 'i4', 'i5'])

  // @ts-expect-error listIdentities has no parameter of this name
  const wrong = paginate(client, identity.listIdentities, { no_such_param: 1 })
  // @ts-expect-error listIdentitySessions needs an id
  const missing = paginate(client, identity.listIdentitySessions, { page_size: 2 })
  t.ok(wrong !== undefined && missing !== undefined, 'neither generator was started')
  t.equal(upstream.requests.length, 3)
})
