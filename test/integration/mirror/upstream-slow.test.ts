import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('Ory not answering within UPSTREAM_TIMEOUT_MS: 504 in Ory\'s shape', async t => {
  // Headers never come; the test's upstream closes the socket at teardown.
  const { app, calls } = await mirrorOfUpstream(t, () => {}, { UPSTREAM_TIMEOUT_MS: '200' })
  const res = await app.inject({ url: '/.ory/self-service/login/browser', headers: { 'x-request-id': 'slow-1' } })
  t.equal(res.statusCode, 504)
  t.match(res.json(), { error: { code: 504, status: 'Gateway Timeout', id: 'upstream_timeout', request: 'slow-1' } })
  t.equal(calls().length, 1, 'a timeout is not retried')
})

t.test('a body that stalls halfway: 504 too', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"id":')
  }, { UPSTREAM_TIMEOUT_MS: '200' })
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.equal(res.statusCode, 504)
})
