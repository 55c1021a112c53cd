import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('Ory dropping the connection before answering: 502', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, _res, socket) => { socket.destroy() })
  const res = await app.inject({ method: 'POST', url: '/.ory/self-service/login?flow=f', headers: { 'content-type': 'application/json', 'x-request-id': 'reset-1' }, payload: '{"method":"password"}' })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { error: { code: 502, id: 'upstream_unavailable', request: 'reset-1' } })
})

t.test('Ory dropping the connection halfway through a body: 502', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res, socket) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
    res.write('{"id":"', () => socket.destroy())
  })
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.equal(res.statusCode, 502)
})
