import t from 'tap'
import { nextPageToken, parseLinkHeader } from '../../../src/ory/index.js'

t.test('parseLinkHeader reads Ory\'s Link header: absolute URLs, no space after the comma', async t => {
  const header = '<https://x/admin/identities?page_size=2&page_token=abc>; rel="next",<https://x/admin/identities?page_size=2&page_token=00000000-0000-0000-0000-000000000000>; rel="first"'
  const links = parseLinkHeader(header)
  t.same([...links.keys()], ['next', 'first'])
  t.same(links.get('next'), {
    url: 'https://x/admin/identities?page_size=2&page_token=abc',
    rel: 'next',
    params: { page_size: '2', page_token: 'abc' }
  })
  t.equal(links.get('first')?.params.page_token, '00000000-0000-0000-0000-000000000000')
})

t.test('relative URLs, unquoted and multiple rels, extra attributes and repeated headers', async t => {
  const links = parseLinkHeader([
    '</admin/identities?page_token=r%2Fel&page_size=9>; rel=next; title="Next page"',
    '<https://x/a?page_token=p>; rel="prev first"'
  ])
  t.same(links.get('next')?.params, { page_token: 'r/el', page_size: '9' }, 'query values are decoded')
  t.equal(links.get('next')?.url, '/admin/identities?page_token=r%2Fel&page_size=9')
  t.equal(links.get('prev')?.params.page_token, 'p')
  t.equal(links.get('first')?.params.page_token, 'p')
})

t.test('nothing to parse', async t => {
  t.equal(parseLinkHeader(undefined).size, 0)
  t.equal(parseLinkHeader('').size, 0)
  t.equal(parseLinkHeader('garbage; rel="next"').size, 0)
})

t.test('nextPageToken prefers the Link header and falls back to Keto\'s next_page_token', async t => {
  t.equal(nextPageToken({ headers: { link: '<https://x/admin/identities?page_token=abc>; rel="next"' }, body: [] }), 'abc')
  t.equal(nextPageToken({ headers: { link: '<https://x/admin/identities?page_token=abc>; rel="first"' }, body: [] }), undefined, 'only rel=next counts')
  t.equal(nextPageToken({ headers: {}, body: { relation_tuples: [], next_page_token: 'k2' } }), 'k2')
  t.equal(nextPageToken({ headers: {}, body: { relation_tuples: [], next_page_token: '' } }), undefined, 'Keto\'s last page has an empty token')
  t.equal(nextPageToken({ headers: {}, body: undefined }), undefined)
})
