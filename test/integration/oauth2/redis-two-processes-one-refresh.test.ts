import { performance } from 'node:perf_hooks'
import t, { type Test } from 'tap'
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js'
import { PASSWORD_HASH_COST } from '../../helpers/config.js'
import { CLIENT_ID, CLIENT_SECRET, COOKIE_SECRET, PUBLIC_URL, SPA_FETCH, TEST_EMAIL } from '../../helpers/oauth2.js'
import { until } from '../../helpers/oauth2-redis.js'
import { isListening, listeningPort, startServer, type ServerProcess } from '../../helpers/process.js'
import { startRedis } from '../../helpers/redis.js'

// Two server processes of the BFF, as two replicas behind a load balancer, share one Redis: a session whose access
// token is due, asked for by many requests at once on both, is refreshed exactly once at the provider. The replica
// that does not get the lock waits, rereads the session and uses the new tokens; a second refresh with the same
// refresh token would be a reuse, for which the provider revokes the whole family and the user is signed out.

// With a lifetime of 6 s and a skew of 30 s, a token is due once less than 3 s is left (the skew is capped at half the
// lifetime). A round starts right when the token becomes due, on a whole second, so the new token stays fresh for
// nearly 3 s: long enough for every request of the round, even on a busy machine, to find it fresh.
const ACCESS_TOKEN_TTL_SECONDS = 6

interface Replica { server: ServerProcess, origin: string }

async function startReplicas (t: Test, emu: RunningEmulator, redisUrl: string): Promise<Replica[]> {
  const env = {
    ORY_URL: emu.url,
    PUBLIC_URL,
    HOST: '127.0.0.1',
    PORT: '0',
    TOKEN_STORE: 'redis',
    REDIS_URL: redisUrl,
    COOKIE_SECRET,
    OAUTH2_CLIENT_ID: CLIENT_ID,
    OAUTH2_CLIENT_SECRET: CLIENT_SECRET,
    OAUTH2_SCOPES: 'openid offline_access email profile',
    OAUTH2_REFRESH_SKEW_SECONDS: '30',
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOG_LEVEL: 'info'
  }
  const servers = [startServer(env), startServer(env)]
  t.teardown(async () => {
    for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await Promise.all(servers.map(async server => await server.exited))
  })
  return await Promise.all(servers.map(async server => ({ server, origin: `http://127.0.0.1:${listeningPort(await server.waitForLog(isListening))}` })))
}

function setCookies (response: Response): Record<string, string> {
  return Object.fromEntries(response.headers.getSetCookie().filter(line => !/;\s*max-age=0/i.test(line)).map(line => {
    const pair = line.split(';', 1)[0]!
    return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
  }))
}

const cookieHeader = (cookies: Record<string, string>): string => Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ')

/** login → the emulator's authorize → callback, through one replica, with the cookies carried by hand. */
async function signIn (replica: Replica): Promise<string> {
  const login = await fetch(`${replica.origin}/api/oauth2/login`, { redirect: 'manual' })
  if (login.status !== 302) throw new Error(`login answered ${login.status}`)
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' })
  const back = new URL(authorize.headers.get('location')!)
  if (back.origin !== PUBLIC_URL) throw new Error(`the provider sent the browser to ${back.href}`)
  const callback = await fetch(`${replica.origin}${back.pathname}${back.search}`, { redirect: 'manual', headers: { cookie: cookieHeader(setCookies(login)) } })
  if (callback.status !== 302) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`)
  return cookieHeader(setCookies(callback))
}

t.test('two processes on one Redis refresh a due session once, whatever the number of requests at once', async t => {
  const redis = await startRedis(t)
  const emu = await startEmulator({
    port: 0,
    uiUrl: PUBLIC_URL,
    passwordHashCost: PASSWORD_HASH_COST,
    seed: { identities: [{ traits: { email: TEST_EMAIL } }] },
    oauth2TestIdentity: TEST_EMAIL,
    oauth2AccessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    oauth2Clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${PUBLIC_URL}/api/oauth2/callback`],
      scope: 'openid offline_access email profile'
    }]
  })
  t.teardown(async () => await emu.close())
  const started = performance.now()
  const replicas = await startReplicas(t, emu, redis.url)
  t.comment(`both processes listening after ${Math.round(performance.now() - started)} ms`)
  const oauth2 = emu.ctx.oauth2
  const cookie = await signIn(replicas[0]!)
  t.equal(oauth2.tokenCalls.byGrantType.authorization_code, 1, 'signed in through the first process')

  const user = async (replica: Replica): Promise<Response> => await fetch(`${replica.origin}/api/oauth2/user`, { headers: { cookie, ...SPA_FETCH } })

  for (const concurrent of [50, 2, 5]) {
    // Read the access token's expiry without refreshing, then wait until the token is due.
    const current = await user(replicas[1]!)
    t.equal(current.status, 200, 'the second process knows the session')
    const { access_token_expires_at: expiresAt } = await current.json() as { access_token_expires_at: string }
    const dueAt = Date.parse(expiresAt) - (ACCESS_TOKEN_TTL_SECONDS / 2) * 1000
    await until('the access token is due', () => Date.now() > dueAt + 50, { attempts: 200, intervalMs: 25 })

    const refreshesBefore = oauth2.tokenCalls.byGrantType.refresh_token ?? 0
    const responses = await Promise.all(Array.from({ length: concurrent }, async (_, index) => await user(replicas[index % 2]!)))
    t.same(responses.map(response => response.status), responses.map(() => 200), `${concurrent} requests at once on both processes: all 200`)
    const bodies = await Promise.all(responses.map(async response => await response.json() as { access_token_expires_at: string }))
    t.ok(bodies.every(body => Date.parse(body.access_token_expires_at) > Date.parse(expiresAt)), 'each saw the refreshed token')
    const lines = responses.flatMap(response => response.headers.getSetCookie())
    t.ok(lines.every(line => line.startsWith(`${cookie};`) && !/max-age=0/i.test(line)), 'the cookie stays the same handle (its lifetime may be renewed)')
    t.equal((oauth2.tokenCalls.byGrantType.refresh_token ?? 0) - refreshesBefore, 1, `${concurrent} requests at once: exactly one refresh at the provider`)
  }

  const families = [...oauth2.families.values()]
  t.equal(families.length, 1)
  t.equal(families[0]!.revoked, false, 'no refresh token was used twice: the family is intact')
  const refreshTokens = [...oauth2.refreshTokens.values()]
  t.equal(refreshTokens.length, 4, 'the login\'s refresh token and one per refresh')
  t.equal(refreshTokens.filter(token => token.rotated).length, 3, 'each used once')
  t.equal((await user(replicas[0]!)).status, 200, 'still signed in')

  const tokens = [...oauth2.accessTokens.keys(), ...oauth2.refreshTokens.keys()]
  for (const { server } of replicas) {
    const output = JSON.stringify(server.logs) + server.stderr()
    for (const secret of [...tokens, CLIENT_SECRET, COOKIE_SECRET]) t.notOk(output.includes(secret), 'no token or secret in the logs')
  }
})
