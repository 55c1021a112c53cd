import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { closedPortUrl } from '../../helpers/upstream.js'

t.test('Ory unreachable: 502 in Ory\'s shape with the request id, not the upstream\'s address', async t => {
  const ory = await closedPortUrl()
  const app = buildTestApp(t, testConfig({ ORY_URL: ory }))
  for (const url of ['/.ory/sessions/whoami', '/.ory/self-service/methods/oidc/callback/google?code=1']) {
    const res = await app.inject({ url, headers: { 'x-request-id': 'down-1' } })
    t.equal(res.statusCode, 502, url)
    t.match(res.json(), { error: { code: 502, status: 'Bad Gateway', id: 'upstream_unavailable', request: 'down-1', message: /Ory could not be reached/ } })
    t.notOk(res.body.includes(new URL(ory).port), 'the address of Ory is not told to the browser')
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  }
})
