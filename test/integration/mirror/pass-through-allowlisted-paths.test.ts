import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

function redirect (to: string) {
  return (_req: unknown, res: import('node:http').ServerResponse): void => {
    res.writeHead(303, { location: to, 'set-cookie': ['ory_kratos_session=s; Path=/; Domain=127.0.0.1; HttpOnly; SameSite=Lax'] })
    res.end()
  }
}

t.test('the OIDC callback: GET with its query as sent, POST (form_post) with its form', async t => {
  const { app, calls } = await mirrorOfUpstream(t, redirect('http://localhost:4000/'))
  const get = await app.inject({ url: '/.ory/self-service/methods/oidc/callback/google?code=4%2F0Ab&state=s1&scope=email+openid' })
  t.equal(get.statusCode, 303)
  t.equal(get.headers.location, 'http://localhost:4000/')
  t.same(get.headers['set-cookie'], ['ory_kratos_session=s; Path=/; HttpOnly; SameSite=Lax'], 'cookies rewritten like everywhere else')
  t.equal(get.headers['cache-control'], 'no-store')
  const post = await app.inject({
    method: 'POST',
    url: '/.ory/self-service/methods/oidc/callback/apple',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'code=c1&state=s2&user=%7B%22name%22%3A%7B%7D%7D'
  })
  t.equal(post.statusCode, 303)
  const [first, second] = calls()
  t.equal(first?.method, 'GET')
  t.same([...new URL(first!.url, 'http://x').searchParams], [['code', '4/0Ab'], ['state', 's1'], ['scope', 'email openid']])
  t.equal(second?.method, 'POST')
  t.equal(second?.url, '/self-service/methods/oidc/callback/apple')
  t.equal(second?.headers['content-type'], 'application/x-www-form-urlencoded')
  t.same(Object.fromEntries(new URLSearchParams(second!.body)), { code: 'c1', state: 's2', user: '{"name":{}}' })
})

t.test('the other Kratos paths: SAML, e-mail links, the settings resume, change-password', async t => {
  const { app, calls } = await mirrorOfUpstream(t, redirect('http://localhost:4000/'))
  for (const [method, url] of [
    ['POST', '/.ory/self-service/methods/saml/acs/okta'],
    ['GET', '/.ory/self-service/methods/saml/metadata/okta'],
    ['GET', '/.ory/self-service/methods/oidc/organization/org-1/callback/okta?code=x'],
    ['GET', '/.ory/self-service/recovery?flow=f1&token=t1'],
    ['GET', '/.ory/self-service/verification?flow=f2&code=123456'],
    ['GET', '/.ory/self-service/settings?flow=f3'],
    ['GET', '/.ory/.well-known/change-password']
  ] as const) {
    const res = await app.inject({ method, url, ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'SAMLResponse=PHNhbWw%2B&RelayState=r' } : {}) })
    t.equal(res.statusCode, 303, `${method} ${url}`)
  }
  t.same(calls().map(call => `${call.method} ${call.url}`), [
    'POST /self-service/methods/saml/acs/okta',
    'GET /self-service/methods/saml/metadata/okta',
    'GET /self-service/methods/oidc/organization/org-1/callback/okta?code=x',
    'GET /self-service/recovery?flow=f1&token=t1',
    'GET /self-service/verification?flow=f2&code=123456',
    'GET /self-service/settings?flow=f3',
    'GET /.well-known/change-password'
  ])
  t.equal(calls()[0]?.body, 'SAMLResponse=PHNhbWw%2B&RelayState=r')
})

t.test('a JSON body is refused on these form-only paths', async t => {
  const { app, calls } = await mirrorOfUpstream(t, redirect('http://localhost:4000/'))
  const res = await app.inject({ method: 'POST', url: '/.ory/self-service/methods/oidc/callback/apple', headers: { 'content-type': 'application/json' }, payload: '{"code":"x"}' })
  t.equal(res.statusCode, 415)
  t.equal(calls().length, 0)
})

t.test('Hydra\'s paths are 404 unless HYDRA_PUBLIC_PATHS=true', async t => {
  const off = await mirrorOfUpstream(t, redirect('http://localhost:4000/'))
  for (const path of ['/oauth2/auth?client_id=c', '/oauth2/sessions/logout', '/.well-known/openid-configuration', '/.well-known/jwks.json', '/userinfo']) {
    t.equal((await off.app.inject({ url: `/.ory${path}` })).statusCode, 404, path)
  }
  t.equal(off.calls().length, 0)
})

t.test('with HYDRA_PUBLIC_PATHS=true they pass; /userinfo alone gets the Authorization header', async t => {
  let ory = ''
  const { app, calls, upstream } = await mirrorOfUpstream(t, (req, res) => {
    if (req.url.startsWith('/.well-known/openid-configuration')) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' })
      res.end(JSON.stringify({ issuer: `${ory}/`, authorization_endpoint: `${ory}/oauth2/auth`, token_endpoint: `${ory}/oauth2/token`, userinfo_endpoint: `${ory}/userinfo` }))
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"sub":"u1"}')
  }, { HYDRA_PUBLIC_PATHS: 'true' })
  ory = upstream.url
  const discovery = await app.inject({ url: '/.ory/.well-known/openid-configuration' })
  t.equal(discovery.statusCode, 200)
  t.same(discovery.json(), {
    issuer: `${ory}/`,
    authorization_endpoint: 'http://localhost:4000/.ory/oauth2/auth',
    token_endpoint: `${ory}/oauth2/token`,
    userinfo_endpoint: 'http://localhost:4000/.ory/userinfo'
  }, 'browser endpoints on the mirror; the issuer and the token endpoint as Hydra says')
  t.equal(discovery.headers['cache-control'], 'public, max-age=3600', 'a public document keeps Hydra\'s caching')
  await app.inject({ url: '/.ory/userinfo', headers: { authorization: 'Bearer at' } })
  await app.inject({ url: '/.ory/oauth2/auth?client_id=c&response_type=code', headers: { authorization: 'Bearer at' } })
  const [, userinfo, authorize] = calls()
  t.equal(userinfo?.headers.authorization, 'Bearer at')
  t.equal(authorize?.headers.authorization, undefined)
  t.equal(authorize?.url, '/oauth2/auth?client_id=c&response_type=code')
})
