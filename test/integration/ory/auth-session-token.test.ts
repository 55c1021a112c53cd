import t from 'tap'
import { createOryClient, frontend } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('a session token is sent as X-Session-Token to updateSettingsFlow', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  await frontend.updateSettingsFlow(client, {
    flow: 's1',
    body: { method: 'profile', traits: { email: 'a@example.com' } }
  }, { auth: { sessionToken: 'ory_st_abc' } })
  const request = upstream.requests[0]!
  t.equal(request.url, '/self-service/settings?flow=s1')
  t.equal(request.headers['x-session-token'], 'ory_st_abc')
  t.equal(request.headers.authorization, undefined, 'and no API key beside it')
})

t.test('without a session token the header is absent', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await frontend.updateSettingsFlow(client, { flow: 's1', body: { method: 'profile', traits: {} }, cookie: 'ory_session_x=1' })
  t.equal(upstream.requests[0]?.headers['x-session-token'], undefined)
  t.equal(upstream.requests[0]?.headers.cookie, 'ory_session_x=1')
})
