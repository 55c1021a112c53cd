import t from 'tap'
import { createOryClient, frontend, identity } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

t.test('a 204 has an undefined body', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(204, { 'content-type': 'application/json' })
    res.end()
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false, validateResponses: true })
  t.teardown(async () => await client.close())

  const result = await identity.deleteIdentity(client, { id: '9f425a8d-7efc-4768-8f23-7647a74fdf13' })
  t.equal(result.status, 204)
  t.equal(result.body, undefined)
  t.equal(upstream.requests[0]?.method, 'DELETE')
})

t.test('an empty 200 labelled application/json is undefined, not a JSON error', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' })
    res.end()
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const result = await frontend.performNativeLogout(client, { body: { session_token: 'st' } })
  t.equal(result.status, 200)
  t.equal(result.body, undefined)
})
