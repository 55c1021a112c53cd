import t from 'tap'
import { frontend, identity } from '../../../src/ory/index.js'
import { buildTestApp, captureLogs } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { answerJson, startFakeOry } from '../../helpers/fake-ory.js'

// Every value below is a secret: none may appear in any log line, at any level.
const SECRETS = {
  apiKey: 'ory_pat_SECRETapikey0001',
  workspaceKey: 'ory_wak_SECRETworkspace0002',
  requestCookie: 'SECRETrequestcookie0005',
  bearer: 'SECRETbearer0006',
  sessionToken: 'SECRETsessiontoken0007',
  password: 'SECRETpassword0008',
  brokenJsonPassword: 'SECRETpassword0009',
  queryToken: 'SECRETquerytoken0010',
  upstreamSetCookie: 'SECRETsetcookie0011',
  upstreamSessionToken: 'SECRETupstreamtoken0012',
  upstreamHtml: 'SECREThtml0013',
  probeSetCookie: 'SECRETprobecookie0014'
}

t.test('a full request cycle with secrets in config, headers, bodies, queries and upstream answers logs none of them', async t => {
  const ory = await startFakeOry((req, res) => {
    const cookie = `ory_session_abc=${SECRETS.upstreamSetCookie}; Path=/; HttpOnly`
    if (req.url?.startsWith('/schemas') === true) {
      answerJson(res, 500, { error: { code: 500, message: 'schemas unavailable' }, cookie: SECRETS.probeSetCookie }, { 'set-cookie': [`csrf=${SECRETS.probeSetCookie}`] })
    } else if (req.url?.startsWith('/self-service/login') === true) {
      answerJson(res, 200, { session_token: SECRETS.upstreamSessionToken, session: { id: 's1' } }, { 'set-cookie': [cookie] })
    } else if (req.url?.startsWith('/admin/identities') === true) {
      res.writeHead(500, { 'content-type': 'text/html', 'set-cookie': cookie })
      res.end(`<html>${SECRETS.upstreamHtml}</html>`)
    } else {
      answerJson(res, 401, { error: { code: 401, status: 'Unauthorized', message: 'no session' } }, { 'set-cookie': [cookie] })
    }
  })
  t.teardown(ory.close)

  const logs = captureLogs()
  const app = buildTestApp(t, testConfig({
    ORY_URL: ory.url,
    LOG_LEVEL: 'trace',
    ORY_API_KEY: SECRETS.apiKey,
    ORY_WORKSPACE_API_KEY: SECRETS.workspaceKey
  }), { logStream: logs.stream })

  // Routes standing in for later features: they forward credentials and bodies to Ory, as the real ones will.
  app.post('/test/login', async request => {
    return (await frontend.updateLoginFlow(request.ory, { flow: 'f1', cookie: request.headers.cookie, body: request.body as never })).body
  })
  app.get('/test/whoami', async request => {
    request.log.debug({ headers: request.headers, query: request.query, req: request, raw: request.raw }, 'debugging a request the careless way')
    return (await frontend.toSession(request.ory, { cookie: request.headers.cookie, xSessionToken: SECRETS.sessionToken })).body
  })
  app.get('/test/identity', async request => (await identity.getIdentity(request.ory, { id: 'i1' })).body)

  const headers = {
    cookie: `ory_session_abc=${SECRETS.requestCookie}`,
    authorization: `Bearer ${SECRETS.bearer}`,
    'x-session-token': SECRETS.sessionToken
  }
  const login = await app.inject({
    method: 'POST',
    url: `/test/login?token=${SECRETS.queryToken}`,
    headers,
    payload: { method: 'password', identifier: 'a@example.com', password: SECRETS.password }
  })
  t.equal(login.statusCode, 200)
  t.equal((await app.inject({ url: `/test/whoami?code=${SECRETS.queryToken}`, headers })).statusCode, 401)
  t.equal((await app.inject({ url: '/test/identity', headers })).statusCode, 502)
  const broken = await app.inject({
    method: 'POST',
    url: '/test/login',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: `{"password":"${SECRETS.brokenJsonPassword}"`
  })
  t.equal(broken.statusCode, 400)
  t.equal((await app.inject({ url: '/health/ready', headers })).statusCode, 503)
  t.equal((await app.inject({ url: '/metrics', headers })).statusCode, 200)
  await app.close()

  // The upstream did get the credentials: they were in play, not merely absent.
  const identityCall = ory.requests.find(r => r.url.startsWith('/admin/identities'))
  t.equal(identityCall?.headers.authorization, `Bearer ${SECRETS.apiKey}`)

  const text = logs.text()
  const lines = logs.lines()
  t.ok(lines.filter(line => line.msg === 'request completed').length >= 6, 'every request was logged')
  t.ok(lines.some(line => line.msg === 'request failed' && line.err !== undefined), 'an upstream failure was logged with its error')
  t.ok(lines.some(line => String(line.msg).startsWith('upstream Ory is not ready') && line.err !== undefined), 'the failing probe was logged')
  const careless = lines.find(line => line.msg === 'debugging a request the careless way')
  t.ok(careless !== undefined, 'the careless debug line was written')
  t.same(careless?.req, { method: 'GET', url: '/test/whoami' }, 'a whole request is logged as its method and path')
  t.same(careless?.raw, { method: 'GET', url: '/test/whoami' }, 'so is a raw IncomingMessage')
  t.notOk(JSON.stringify(careless).includes('socket'), 'not as its socket')
  for (const [name, secret] of Object.entries(SECRETS)) {
    t.notOk(text.includes(secret), `${name} is not in the logs`)
  }
  t.ok(text.includes('[Redacted]'), 'redacted values are marked')
})
