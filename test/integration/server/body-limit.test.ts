import { request } from 'node:http'
import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

t.test('a body over BODY_LIMIT_BYTES is refused with 413 in Ory\'s error shape', async t => {
  const app = buildTestApp(t, testConfig({ BODY_LIMIT_BYTES: '1024' }))
  // A route standing in for later features that take a body.
  app.post('/test/echo', async request => request.body)

  const small = await app.inject({ method: 'POST', url: '/test/echo', payload: { a: 'x'.repeat(900) } })
  t.equal(small.statusCode, 200, 'under the limit: accepted')

  const large = await app.inject({ method: 'POST', url: '/test/echo', payload: { a: 'x'.repeat(2000) } })
  t.equal(large.statusCode, 413)
  const body = large.json()
  t.equal(body.error.code, 413)
  t.equal(body.error.status, 'Payload Too Large')
  t.equal(body.error.request, large.headers['x-request-id'])
  t.type(body.error.message, 'string')
})

t.test('a chunked body without Content-Length is cut off at the limit too', async t => {
  const app = buildTestApp(t, testConfig({ BODY_LIMIT_BYTES: '1024' }))
  app.post('/test/echo', async request => request.body)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }

  const res = await new Promise<{ status: number, body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/test/echo', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.write('{"a":"')
    req.write('x'.repeat(4096))
    req.end('"}')
  })
  t.equal(res.status, 413)
  t.equal(JSON.parse(res.body).error.code, 413)
})
