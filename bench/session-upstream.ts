import { performance } from 'node:perf_hooks'
import { serveStandIn, sessionBody } from './common.js'
import type { SessionBenchCommand } from './session-common.js'

// The session bench's stand-in for Ory: whoami answers after WHOAMI_DELAY_MS (20 ms, a realistic round trip to Ory
// Network) and every whoami call is recorded, so that the runner can count the calls the BFF's cache let through.

const DELAY_MS = Number(process.env.BENCH_WHOAMI_DELAY_MS ?? '20')
/** performance.timeOrigin-based milliseconds of every whoami call. */
const calls: number[] = []

serveStandIn({
  schemas: '[]',
  session: origin => {
    // The canned session with an expiry a day ahead: an expired session would (rightly) never be cached.
    const parsed = JSON.parse(sessionBody(origin)) as { expires_at: string }
    parsed.expires_at = new Date(Date.now() + 24 * 3600_000).toISOString()
    return JSON.stringify(parsed)
  },
  whoamiDelayMs: DELAY_MS,
  onWhoami: () => calls.push(performance.timeOrigin + performance.now())
})
process.on('message', (command: SessionBenchCommand) => {
  if (command.type === 'calls') process.send!({ type: 'calls', times: calls.splice(0) })
})
