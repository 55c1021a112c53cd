import t from 'tap'
import { csrfApp } from '../../helpers/csrf.js'

t.test('GET, HEAD and OPTIONS under /api are not held to the CSRF checks; OPTIONS gets no CORS headers', async t => {
  const { app, handled } = await csrfApp(t)
  const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
  const get = await app.inject({ method: 'GET', url: '/api/test/echo', headers: crossSite })
  t.equal(get.statusCode, 200, 'a read needs no custom header (and changes nothing)')
  const head = await app.inject({ method: 'HEAD', url: '/api/test/echo', headers: crossSite })
  t.equal(head.statusCode, 200)
  t.equal(handled(), 2)

  // A CORS preflight for a cross-origin POST with the custom header: no CORS is offered, so the browser gives up.
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/api/test/echo',
    headers: { ...crossSite, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-requested-with, content-type' }
  })
  t.not(preflight.statusCode, 403, 'OPTIONS is not refused as CSRF')
  t.notOk(preflight.statusCode >= 200 && preflight.statusCode < 300, 'the preflight does not succeed')
  for (const name of Object.keys(preflight.headers)) t.notMatch(name, /^access-control-/, `no ${name}`)
})
