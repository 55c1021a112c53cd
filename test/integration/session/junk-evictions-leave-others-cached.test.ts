import { randomUUID } from 'node:crypto'
import t from 'tap'
import { readyTestApp } from '../../helpers/app.js'
import { NO_LOAD_SHEDDING, oryConfig } from '../../helpers/config.js'
import { CookieJar, signInBrowser, signUpNative } from '../../helpers/emulator.js'
import { SAME_ORIGIN } from '../../helpers/session.js'
import { startSharedOry } from '../../helpers/shared-ory.js'

// Requests anyone can send with a made-up session cookie (a logout link with a made-up token, a login flow submit, a
// logout through /api/session, a revocation) must not make the cache forget the sessions of others: Ory refuses each
// one, and the few signed-in users keep being answered from the cache, asking Ory about once per TTL each. Real
// clock: the TTL has to run out during the load.

const TTL_MS = 400
const LOAD_MS = 3000
const JUNK_PER_SECOND = 100
const SESSIONS = 3
const POLLERS_PER_SESSION = 4

t.test('junk evictions at 100/s leave the whoami calls of signed-in users at the cache\'s rate', async t => {
  const { emu, client, whoamiCalls } = await startSharedOry(t)
  const app = await readyTestApp(t, oryConfig(emu.url, { ...NO_LOAD_SHEDDING, SESSION_CACHE_TTL_MS: String(TTL_MS) }))

  const cookies: string[] = []
  for (let i = 0; i < SESSIONS; i++) {
    const email = `user${i}@example.com`
    await signUpNative(client, email)
    const jar = new CookieJar()
    await signInBrowser(client, jar, email)
    cookies.push(jar.header())
  }
  const junkCookie = (): string => `ory_kratos_session=${randomUUID()}`
  const junk = [
    async () => await app.inject({ method: 'POST', url: `/.ory/self-service/login?flow=${randomUUID()}`, headers: { cookie: junkCookie(), accept: 'application/json' }, payload: {} }),
    async () => await app.inject({ url: '/.ory/self-service/logout?token=x', headers: { cookie: junkCookie() } }),
    async () => await app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie: junkCookie(), ...SAME_ORIGIN } }),
    async () => await app.inject({ method: 'DELETE', url: `/.ory/sessions/${randomUUID()}`, headers: { cookie: junkCookie(), accept: 'application/json' } })
  ]

  const before = whoamiCalls()
  const startedAt = Date.now()
  const load = { on: true }
  const statuses = new Map<number, number>()
  const pollers = cookies.flatMap(cookie => Array.from({ length: POLLERS_PER_SESSION }, async () => {
    while (load.on) {
      const status = (await app.inject({ url: '/api/session', headers: { cookie } })).statusCode
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      // An SPA's pace, not a busy loop: the junk must get its turn on the event loop.
      await new Promise(resolve => setTimeout(resolve, 5))
    }
  }))
  // The junk, paced at JUNK_PER_SECOND for LOAD_MS; every request is awaited before the count is read.
  const sent: Array<Promise<unknown>> = []
  await new Promise<void>(resolve => {
    const timer = setInterval(() => {
      const due = Math.floor((Date.now() - startedAt) * JUNK_PER_SECOND / 1000)
      while (sent.length < due) sent.push(junk[sent.length % junk.length]!())
      if (Date.now() - startedAt >= LOAD_MS) {
        clearInterval(timer)
        resolve()
      }
    }, 5)
  })
  const junkStatuses = (await Promise.all(sent)).map(response => (response as { statusCode: number }).statusCode)
  load.on = false
  await Promise.all(pollers)
  const elapsed = Date.now() - startedAt
  const calls = whoamiCalls() - before

  t.ok(sent.length >= JUNK_PER_SECOND * LOAD_MS / 1000 * 0.9, `${sent.length} junk requests were sent`)
  t.notOk(junkStatuses.some(status => status >= 500), 'Ory refused the junk, the BFF did not fail')
  t.same([...statuses.keys()], [200], 'the signed-in users stayed signed in')
  const bound = SESSIONS * (Math.ceil(elapsed / TTL_MS) + 1) + SESSIONS
  t.ok(calls <= bound, `${calls} whoami calls in ${elapsed} ms for ${SESSIONS} sessions under junk (at most ${bound})`)
  t.comment(`whoami calls/s under junk: ${(calls * 1000 / elapsed).toFixed(1)}; /api/session answers: ${statuses.get(200)}`)
})
