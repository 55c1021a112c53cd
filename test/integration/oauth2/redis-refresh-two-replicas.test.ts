import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { REPO } from '../../helpers/config.js'
import { cookiesFrom, redisStore, sampleSession, startRedis } from '../../helpers/redis.js'

// Two replicas sharing one Redis, 50 requests between them on one session whose access token has expired: exactly
// one token request reaches the provider. The replica that did not get the lock waits for it, rereads the session
// and uses the new tokens; a second request with the old refresh token would be a replay (Hydra revokes the family).

const REQUESTS_PER_REPLICA = 25

interface Line { event: string, level?: string, message?: string, results?: Array<{ accessToken?: string, error?: string }> }

function replica (t: Test, env: Record<string, string>): { child: ChildProcess, lines: Line[], next: (match: (line: Line) => boolean) => Promise<Line> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/oauth2/refresh-worker.ts'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill() })
  const lines: Line[] = []
  const waiters: Array<{ match: (line: Line) => boolean, resolve: (line: Line) => void }> = []
  let pending = ''
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk
    let newline: number
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = JSON.parse(pending.slice(0, newline)) as Line
      pending = pending.slice(newline + 1)
      lines.push(line)
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(line)
        }
      }
    }
  })
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`the replica exited (${String(code)}) early: ${stderr}`) })
  exited.catch(() => {})
  const next = async (match: (line: Line) => boolean): Promise<Line> => {
    const seen = lines.find(match)
    if (seen !== undefined) return seen
    return await Promise.race([new Promise<Line>(resolve => waiters.push({ match, resolve })), exited])
  }
  return { child, lines, next }
}

t.test('two replicas, 50 concurrent requests, one expired session: exactly one token request', async t => {
  const server = await startRedis(t)
  const { store } = await redisStore(t, server)
  const now = Math.floor(Date.now() / 1000)
  const session = sampleSession({ tokens: { accessToken: 'ACCESS-1', tokenType: 'bearer', refreshToken: 'REFRESH-1', accessTokenIssuedAt: now - 3600, accessTokenExpiresAt: now - 10 } })
  const cookie = cookiesFrom(await store.save(session))['__Host-bff_session']!

  // The token endpoint answers the first request only once the other replica is seen waiting for the lock, so that
  // the two really race; any later request is a replay and gets invalid_grant, as Hydra would answer it.
  const calls: string[] = []
  let otherIsWaiting!: () => void
  const waiting = new Promise<void>(resolve => { otherIsWaiting = resolve })
  const tokenServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.setEncoding('utf8').on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      const refreshToken = new URLSearchParams(body).get('refresh_token') ?? ''
      calls.push(refreshToken)
      const answer = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(json))
      }
      if (calls.length > 1 || refreshToken !== 'REFRESH-1') {
        answer(400, { error: 'invalid_grant' })
        return
      }
      waiting.then(() => answer(200, { access_token: 'ACCESS-2', refresh_token: 'REFRESH-2', token_type: 'bearer', expires_in: 3600 }), () => {})
    })
  })
  tokenServer.listen(0, '127.0.0.1')
  await once(tokenServer, 'listening')
  t.teardown(() => { tokenServer.close() })
  const tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/oauth2/token`

  const env = { REDIS_URL: server.url, TOKEN_URL: tokenUrl, SESSION_COOKIE: cookie, REQUESTS: String(REQUESTS_PER_REPLICA) }
  const replicas = [replica(t, env), replica(t, env)]
  await Promise.all(replicas.map(async r => await r.next(line => line.event === 'ready')))
  for (const r of replicas) r.child.stdin?.write('go\n')
  // Whichever replica lost the race for the lock says it waits; then the token endpoint answers.
  const isWaitLog = (line: Line): boolean => line.event === 'log' && /waiting for its tokens/.test(line.message ?? '')
  await Promise.race(replicas.map(async r => await r.next(isWaitLog)))
  otherIsWaiting()
  const done = await Promise.all(replicas.map(async r => await r.next(line => line.event === 'done')))

  t.same(calls, ['REFRESH-1'], 'exactly one token request, with the refresh token as it was')
  for (const [index, line] of done.entries()) {
    t.equal(line.results?.length, REQUESTS_PER_REPLICA)
    t.same(new Set(line.results?.map(result => result.accessToken ?? result.error)), new Set(['ACCESS-2']), `replica ${index}: every request has the new access token`)
  }
  t.equal(replicas.filter(r => r.lines.some(isWaitLog)).length, 1, 'one replica waited for the other\'s lock')
  const stored = await store.load({ '__Host-bff_session': cookie })
  t.equal(stored?.session.tokens.accessToken, 'ACCESS-2')
  t.equal(stored?.session.tokens.refreshToken, 'REFRESH-2')
  await Promise.all(replicas.map(async r => r.child.exitCode === null ? await once(r.child, 'exit') : undefined))
})
