import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// Sessions, flows and everything that sets a cookie must never be kept by a cache (a shared one would hand one
// user's session to the next); public documents may be cached as Ory says.
t.test('session-related answers are no-store, even when Ory says they may be cached', async t => {
  const { app } = await mirrorOfUpstream(t, (req, res) => {
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' }
    if (req.url.startsWith('/schemas/cookie')) headers['set-cookie'] = ['csrf_token_1=x; Path=/']
    res.writeHead(200, headers)
    res.end('{}')
  })
  for (const url of ['/.ory/sessions/whoami', '/.ory/sessions', '/.ory/self-service/login/browser', '/.ory/self-service/login/flows?id=1', '/.ory/self-service/errors?id=1', '/.ory/sessions/token-exchange?init_code=a&return_to_code=b']) {
    t.equal((await app.inject({ url })).headers['cache-control'], 'no-store', url)
  }
  t.equal((await app.inject({ url: '/.ory/schemas' })).headers['cache-control'], 'public, max-age=600', 'identity schemas keep Ory\'s caching')
  t.equal((await app.inject({ url: '/.ory/.well-known/ory/webauthn.js' })).headers['cache-control'], 'public, max-age=600')
  t.equal((await app.inject({ url: '/.ory/schemas/cookie' })).headers['cache-control'], 'no-store', 'never with a Set-Cookie')
})

t.test('an error answer is no-store too', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => { res.writeHead(401, { 'content-type': 'application/json' }); res.end('{"error":{"code":401}}') })
  t.equal((await app.inject({ url: '/.ory/sessions/whoami' })).headers['cache-control'], 'no-store')
})
