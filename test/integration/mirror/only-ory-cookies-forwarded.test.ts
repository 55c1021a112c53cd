import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

const browserCookies = [
  '_ga=GA1.1.123', 'app_session=secret-of-the-app', 'ory_kratos_session=k1', 'theme=dark', 'csrf_token_0a1b=c1',
  'ory_session_playground=s1', 'ory_hydra_session=h1', 'ory_kratos_continuity=c2', 'session=another-secret'
].join('; ')

const JSON_ACCEPT = { accept: 'application/json' }

t.test('only Ory\'s cookies reach Ory; the app\'s own cookies never leave the BFF', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))
  const res = await app.inject({ url: '/.ory/self-service/login/browser', headers: { ...JSON_ACCEPT, cookie: browserCookies } })
  t.equal(res.statusCode, 200)
  t.equal(calls()[0]?.headers.cookie, 'ory_kratos_session=k1; csrf_token_0a1b=c1; ory_session_playground=s1; ory_hydra_session=h1; ory_kratos_continuity=c2')
})

t.test('whoami sends only the session cookies: its answer is shared by the requests with the same session', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 401, { error: { code: 401, status: 'Unauthorized', message: 'no session' } }))
  await app.inject({ url: '/.ory/sessions/whoami', headers: { cookie: browserCookies } })
  t.equal(calls()[0]?.headers.cookie, 'ory_kratos_session=k1; ory_session_playground=s1')
})

t.test('no Ory cookie: no Cookie header at all', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))
  await app.inject({ url: '/.ory/self-service/login/browser', headers: { ...JSON_ACCEPT, cookie: '_ga=1; app_session=2' } })
  t.equal(calls()[0]?.headers.cookie, undefined)
})

t.test('the pass-through paths filter the same way', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => { res.writeHead(303, { location: 'http://localhost:4000/' }); res.end() })
  await app.inject({ url: '/.ory/self-service/methods/oidc/callback/google?code=c&state=s', headers: { cookie: browserCookies } })
  t.equal(calls()[0]?.headers.cookie, 'ory_kratos_session=k1; csrf_token_0a1b=c1; ory_session_playground=s1; ory_hydra_session=h1; ory_kratos_continuity=c2')
})

t.test('ORY_COOKIE_PATTERN decides which cookies are Ory\'s', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}), { ORY_COOKIE_PATTERN: 'ory_kratos_session,theme' })
  await app.inject({ url: '/.ory/self-service/login/browser', headers: { ...JSON_ACCEPT, cookie: browserCookies } })
  t.equal(calls()[0]?.headers.cookie, 'ory_kratos_session=k1; theme=dark')
})
