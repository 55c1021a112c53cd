import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('the headers Ory reads in browser flows go along; the rest stays', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))
  const res = await app.inject({
    method: 'POST',
    url: '/.ory/self-service/login?flow=f1',
    headers: {
      accept: 'application/json',
      'accept-language': 'de-CH, de;q=0.9',
      'user-agent': 'Mozilla/5.0 (Test) Browser/1',
      'x-csrf-token': 'masked-token',
      'x-request-id': 'req-123',
      referer: 'https://app.example.com/login',
      origin: 'https://app.example.com',
      'content-type': 'application/json'
    },
    payload: JSON.stringify({ method: 'password', identifier: 'a', password: 'b' })
  })
  t.equal(res.statusCode, 200)
  const call = calls()[0]!
  t.equal(call.headers.accept, 'application/json')
  t.equal(call.headers['accept-language'], 'de-CH, de;q=0.9')
  t.equal(call.headers['user-agent'], 'Mozilla/5.0 (Test) Browser/1', 'Ory records the device of the session')
  t.equal(call.headers['x-csrf-token'], 'masked-token')
  t.equal(call.headers['x-request-id'], 'req-123', 'the request id joins the logs')
  t.equal(call.headers['content-type'], 'application/json')
  t.equal(call.headers['accept-encoding'], 'identity')
  t.equal(call.headers.referer, undefined)
  t.equal(call.headers.origin, undefined)
  t.same(JSON.parse(call.body), { method: 'password', identifier: 'a', password: 'b' })
  t.equal(call.url, '/self-service/login?flow=f1')
})

t.test('the browser\'s own Accept decides between Ory\'s JSON and its redirects', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))
  await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
  await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: '*/*' } })
  t.same(calls().map(call => call.headers.accept), ['text/html,application/xhtml+xml,*/*;q=0.8', '*/*'])
})
