import t from 'tap'
import { createOryClient, nextPageToken, type OryClientOptions, OryConfigError, parseLinkHeader } from '../../../src/ory/index.js'
import { backoff, DEFAULT_RETRY, type RetryOptions } from '../../../src/ory/retry.js'

function configError (options: unknown): unknown {
  try {
    createOryClient(options as OryClientOptions)
  } catch (err) {
    return err
  }
  return undefined
}

t.test('no url is an OryConfigError: there is no default project', async t => {
  for (const options of [{}, { url: '' }, { url: undefined }, undefined]) {
    const err = configError(options)
    t.ok(err instanceof OryConfigError, `${JSON.stringify(options)} is refused`)
    t.equal((err as OryConfigError).code, 'ORY_BFF_INVALID_CONFIG')
    t.equal((err as OryConfigError).statusCode, 500)
  }
})

t.test('a URL that is not http(s) is an OryConfigError', async t => {
  const bad = ['ftp://ory.example', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', '/relative', 'http://x/?q=1', 'http://x/#f', 'https://user:secret@x.example']
  for (const url of bad) {
    const err = configError({ url })
    t.ok(err instanceof OryConfigError, `url ${url} is refused`)
  }
  t.ok(configError({ url: 'http://127.0.0.1:9', consoleUrl: 'ws://console.example' }) instanceof OryConfigError, 'consoleUrl is checked too')
})

t.test('a timeout or size that is not a positive number is an OryConfigError', async t => {
  for (const key of ['headersTimeoutMs', 'bodyTimeoutMs', 'timeoutMs', 'maxResponseBytes', 'connectTimeoutMs']) {
    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      t.ok(configError({ url: 'http://127.0.0.1:9', [key]: value }) instanceof OryConfigError, `${key}: ${value}`)
    }
  }
})

t.test('http and https URLs are accepted', async t => {
  for (const url of ['http://127.0.0.1:4433', 'https://slug.projects.oryapis.com', new URL('https://auth.example.com/ory')]) {
    const client = createOryClient({ url })
    t.teardown(async () => await client.close())
    t.pass(`${String(url)} is accepted`)
  }
})

const options: RetryOptions = { retries: 10, minDelayMs: 100, maxDelayMs: 2000 }

/** A random source that returns the given values in turn. */
function sequence (...values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]!
}

t.test('the ceiling doubles per attempt from minDelayMs', async t => {
  const top = (): number => 0.999_999
  t.equal(backoff(0, options, top), 99)
  t.equal(backoff(1, options, top), 199)
  t.equal(backoff(2, options, top), 399)
  t.equal(backoff(3, options, top), 799)
  t.equal(backoff(4, options, top), 1599)
})

t.test('the delay never passes maxDelayMs, however many attempts', async t => {
  const top = (): number => 0.999_999
  t.equal(backoff(5, options, top), 1999)
  t.equal(backoff(50, options, top), 1999)
  t.equal(backoff(5000, options, top), 1999, 'no overflow to Infinity or NaN')
  const delays = Array.from({ length: 64 }, (_, attempt) => backoff(attempt, DEFAULT_RETRY))
  t.ok(delays.every(delay => Number.isInteger(delay) && delay >= 0 && delay <= DEFAULT_RETRY.maxDelayMs), 'the defaults stay within [0, maxDelayMs]')
})

t.test('the delay is jittered: it is drawn across [0, ceiling) by the random source', async t => {
  t.equal(backoff(3, options, () => 0), 0)
  t.equal(backoff(3, options, () => 0.25), 200)
  t.equal(backoff(3, options, () => 0.5), 400)
  const random = sequence(0.1, 0.9, 0.4)
  const delays = [backoff(2, options, random), backoff(2, options, random), backoff(2, options, random)]
  t.same(delays, [40, 360, 160], 'the same attempt gives different delays for different draws')
})

t.test('Math.random is the default source, and spreads the delays', async t => {
  const delays = new Set<number>()
  for (let i = 0; i < 50; i++) delays.add(backoff(4, options))
  t.ok(delays.size > 1, `${delays.size} distinct delays in 50 draws`)
})

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
