import t from 'tap'
import { createOryClient, frontend, identity } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('an Authorization header from the caller, in any case, cannot replace the project key', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  for (const name of ['authorization', 'Authorization', 'AUTHORIZATION']) {
    await identity.listIdentities(client, {}, { headers: { [name]: 'Bearer from-the-browser' } })
  }
  t.same(upstream.requests.map(r => r.headers.authorization), Array(3).fill('Bearer ory_pat_project'))
})

t.test('an X-Session-Token header from the caller cannot replace the session token of the call', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await frontend.updateSettingsFlow(client, { flow: 'f', body: { method: 'profile', traits: {} } }, {
    auth: { sessionToken: 'ory_st_real' },
    headers: { 'X-Session-Token': 'ory_st_forged' }
  })
  t.equal(upstream.requests[0]?.headers['x-session-token'], 'ory_st_real')
})

t.test('other extra headers are sent, with their names in lower case', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await frontend.toSession(client, {}, { headers: { 'X-Forwarded-For': '203.0.113.7', traceparent: '00-abc-def-01' } })
  t.equal(upstream.requests[0]?.headers['x-forwarded-for'], '203.0.113.7')
  t.equal(upstream.requests[0]?.headers.traceparent, '00-abc-def-01')
})
