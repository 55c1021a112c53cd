import { setTimeout as sleep } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { sessionJson, withUpstream } from '../../helpers/session.js'

// The session cache holds at most SESSION_CACHE_MAX_BYTES of Ory's answers, whatever their size, and gives the memory
// back once its entries expire, whether or not anyone asks for them again. Measured as the memory of Buffers (where
// Ory's bytes live) after a full garbage collection.

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const BODY_BYTES = 96 * 1024
const SESSIONS = 300
const MAX_BYTES = 8 * 1024 * 1024
const TTL_MS = 60_000

/** The memory of ArrayBuffers after full collections (V8 frees their memory on a background thread: a few turns). */
async function buffers (): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc()
    await sleep(10)
  }
  return process.memoryUsage().arrayBuffers
}

t.test('large whoami answers: the cache stays under its bound in bytes, and is swept once they expire', async t => {
  const { app, clock, upstream } = await withUpstream(t, (req, res) => {
    const id = /ory_kratos_session=([0-9]+)/.exec(String(req.headers.cookie))![1]!
    const session = sessionJson(upstream.url, { id: `00000000-0000-4000-8000-${id.padStart(12, '0')}`, identityId: `10000000-0000-4000-8000-${id.padStart(12, '0')}` })
    const identity = session.identity as Record<string, unknown>
    identity.metadata_public = { blob: 'x'.repeat(BODY_BYTES) }
    json(res, 200, session)
  }, { SESSION_CACHE_TTL_MS: String(TTL_MS), SESSION_CACHE_MAX_BYTES: String(MAX_BYTES) })
  upstream.requests.length = 0

  const base = await buffers()
  for (let i = 0; i < SESSIONS; i++) {
    const answer = await app.inject({ url: '/api/session', headers: { cookie: `ory_kratos_session=${i}` } })
    t.equal(answer.statusCode, 200)
    upstream.requests.length = 0
  }
  const full = await buffers() - base
  t.ok(full <= MAX_BYTES + 1024 * 1024, `${(full / 2 ** 20).toFixed(1)} MiB of Ory's answers kept for ${(SESSIONS * BODY_BYTES / 2 ** 20).toFixed(1)} MiB asked (bound ${MAX_BYTES / 2 ** 20} MiB)`)
  t.ok(full >= MAX_BYTES / 2, 'the cache is in use')

  clock.advance(TTL_MS)
  // The sweep runs every second on its own: wait for it, within a deadline.
  let after = await buffers() - base
  for (const deadline = Date.now() + 5_000; after > 1024 * 1024 && Date.now() < deadline; after = await buffers() - base) await sleep(100)
  t.ok(after <= 1024 * 1024, `${(after / 2 ** 20).toFixed(1)} MiB left once every entry expired, with nobody asking again`)
})
