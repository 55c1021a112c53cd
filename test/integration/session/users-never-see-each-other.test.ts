import t from 'tap'
import { body, withEmulator } from '../../helpers/session.js'

// The security property of the cache: a session is found by its own credentials only. Many users at once, their
// requests interleaved, the same app cookies and Ory CSRF cookies on all of them: each gets exactly their own session,
// through /api/session and through the mirror's whoami, cold cache and warm.

const USERS = 12
const ROUNDS = 4

t.test('concurrent, interleaved requests of many users each get their own session', async t => {
  const { app, signIn, signUpToken } = await withEmulator(t)
  const users: Array<{ email: string, headers: Record<string, string> }> = []
  for (let i = 0; i < USERS; i++) {
    const email = `user${i}@example.com`
    if (i % 3 === 2) {
      const { token } = await signUpToken(email)
      users.push({ email, headers: { 'x-session-token': token, cookie: 'theme=dark; csrf_token_shared=same-for-all' } })
    } else {
      const jar = await signIn(email)
      // Every browser also sends the same app cookie and the same Ory CSRF cookie: neither may count as identity.
      users.push({ email, headers: { cookie: `theme=dark; ${jar.header()}; csrf_token_shared=same-for-all; _ga=1` } })
    }
  }

  let mismatches = 0
  let checked = 0
  for (let round = 0; round < ROUNDS; round++) {
    const requests: Array<Promise<void>> = []
    // Interleaved: user 0, 1, 2 … then again, each user's requests spread over the batch, both routes mixed.
    for (let repeat = 0; repeat < 5; repeat++) {
      for (const [index, user] of users.entries()) {
        const mirror = (repeat + index) % 2 === 1
        requests.push(app.inject({ method: 'GET', url: mirror ? '/.ory/sessions/whoami' : '/api/session', headers: { accept: 'application/json', ...user.headers } }).then(res => {
          checked++
          const email = res.statusCode === 200 ? (body(res).identity.traits.email as string) : `status ${res.statusCode}`
          if (email !== user.email) mismatches++
        }))
      }
    }
    await Promise.all(requests)
  }
  t.equal(checked, USERS * 5 * ROUNDS)
  t.equal(mismatches, 0, 'no request got another user\'s session (or none)')
})

t.test('the same session cookie under another name is another key, and stays unknown', async t => {
  const { app, signIn } = await withEmulator(t)
  const jar = await signIn('eve@example.com')
  const value = jar.get('ory_kratos_session')!
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: jar.header() } })).statusCode, 200)
  // A cookie that is not a session cookie (the app's own, Ory's CSRF cookie) never finds the cached session.
  for (const cookie of [`app_session=${value}`, `csrf_token_x=${value}`]) {
    const res = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })
    t.equal(res.statusCode, 401, cookie.split('=')[0]!)
  }
})
