import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { sessionBody } from './common.js'

// The session cache's memory with large whoami answers: SESSIONS signed-in users, each whoami answer BODY_KB (an
// identity with big metadata), each asked for through /api/session and the mirror's whoami; then nobody asks again
// and the entries expire (TTL_MS after they were made). Run: node --expose-gc --import tsx bench/session-memory.ts
// (SESSIONS, BODY_KB and TTL_MS to change; the whole fill must take less than TTL_MS).

const SESSIONS = Number(process.env.SESSIONS ?? '1500')
const BODY_KB = Number(process.env.BODY_KB ?? '96')
const TTL_MS = Number(process.env.TTL_MS ?? '30000')

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')

async function measure (): Promise<string> {
  for (let i = 0; i < 3; i++) {
    gc!()
    await sleep(20)
  }
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage()
  const mib = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`
  return `RSS ${mib(rss)}, heap used ${mib(heapUsed)}, buffers ${mib(arrayBuffers)}`
}

const upstream = createServer((req, res) => {
  if (req.url?.startsWith('/sessions/whoami') === true) {
    const user = /ory_kratos_session=u([0-9]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '0'
    const session = JSON.parse(sessionBody(`http://${req.headers.host ?? ''}`)) as { id: string, expires_at: string, identity: Record<string, unknown> }
    session.id = `5f4b5f0c-2c4f-4a4d-9d3a-${user.padStart(12, '0')}`
    session.expires_at = new Date(Date.now() + 24 * 3600_000).toISOString()
    session.identity.id = `0c8b3e2e-6c9f-4f0a-8d65-${user.padStart(12, '0')}`
    session.identity.metadata_public = { blob: 'x'.repeat(BODY_KB * 1024) }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(session))
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('[]')
})
await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`

const app = buildApp(loadConfig({ ORY_URL: origin, PUBLIC_URL: 'http://localhost:4000', LOG_LEVEL: 'silent', SESSION_CACHE_TTL_MS: String(TTL_MS), LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }))
await app.ready()
console.log(`before:               ${await measure()}`)
const started = Date.now()
for (let n = 0; n < SESSIONS; n++) {
  const headers = { cookie: `ory_kratos_session=u${n}`, accept: 'application/json' }
  for (const url of ['/api/session', '/.ory/sessions/whoami']) {
    const answer = await app.inject({ url, headers })
    if (answer.statusCode !== 200) throw new Error(`${url}: ${answer.statusCode}`)
  }
}
const filled = Date.now() - started
if (filled >= TTL_MS) throw new Error(`the fill took ${filled} ms, more than TTL_MS`)
console.log(`${SESSIONS} sessions cached: ${await measure()} (filled in ${filled} ms)`)
await sleep(TTL_MS + 2000)
console.log(`all expired:          ${await measure()}`)
await app.close()
upstream.close()
