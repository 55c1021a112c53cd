import t from 'tap'
import { createOryClient, frontend } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

t.test('a 303 is returned as a result, not followed, with its Location and cookies', async t => {
  const location = 'https://app.example/ui/login?flow=9f3a'
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(303, { location, 'set-cookie': 'csrf_token_1=a; Path=/; HttpOnly' })
    res.end()
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false, validateResponses: true })
  t.teardown(async () => await client.close())

  const result = await frontend.createBrowserLoginFlow(client, { return_to: 'https://app.example/after' })
  t.equal(result.status, 303)
  t.equal(result.headers.location, location)
  t.same(result.headers['set-cookie'], ['csrf_token_1=a; Path=/; HttpOnly'])
  t.equal(result.body, undefined)
  t.equal(upstream.requests.length, 1, 'the redirect was not followed')
})

t.test('a 303 to another origin is not followed either', async t => {
  const elsewhere = await startUpstream((_req, res) => { res.writeHead(200); res.end('followed') })
  t.teardown(elsewhere.close)
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(303, { location: `${elsewhere.url}/steal` })
    res.end()
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const result = await frontend.updateLoginFlow(client, { flow: 'f', body: { method: 'password', identifier: 'a', password: 'b' } })
  t.equal(result.status, 303)
  t.equal(result.headers.location, `${elsewhere.url}/steal`)
  t.equal(elsewhere.requests.length, 0)
})
