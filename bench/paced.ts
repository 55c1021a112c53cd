import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'
import { Pool } from 'undici'

// A paced load generator, as wrk2 paces: requests go out on a fixed schedule (t0 + i/rate) whatever the server does,
// and each one's latency is counted from its scheduled time to the end of its answer's body. A server that stalls
// for 10 ms thus counts 10 ms for every request that should have gone out meanwhile, not once (coordinated omission,
// which a closed loop such as autocannon's hides: its connections simply wait).

/** Enough connections that the pool never queues a request at 2,000 req/s with sub-millisecond answers. */
const CONNECTIONS = 64
/** How often the schedule is looked at: each look sends every request whose time has come. */
const TICK_MS = 1

export interface PacedTarget {
  origin: string
  path: string
  /** The headers of the i-th request (a signed-in user each, say). */
  headers: (i: number) => Record<string, string>
  status: number
}

export interface Paced {
  requests: number
  /** Latency percentiles in ms, from each request's scheduled time. */
  p50: number
  p99: number
  p999: number
  /** Answers with another status than expected, and failed requests. */
  unexpected: number
}

async function window (pool: Pool, target: PacedTarget, rate: number, seconds: number, histogram: RecordableHistogram | undefined): Promise<number> {
  const total = Math.round(rate * seconds)
  const intervalNs = 1e9 / rate
  let issued = 0
  let done = 0
  let unexpected = 0
  const t0 = process.hrtime.bigint()
  await new Promise<void>(resolve => {
    const send = async (i: number, scheduled: bigint): Promise<void> => {
      try {
        const answer = await pool.request({ method: 'GET', path: target.path, headers: target.headers(i) })
        await answer.body.arrayBuffer()
        histogram?.record(Math.max(1, Number(process.hrtime.bigint() - scheduled)))
        if (answer.statusCode !== target.status) unexpected++
      } catch {
        unexpected++
      }
      if (++done === total) resolve()
    }
    const tick = (): void => {
      const due = Math.min(total, Math.floor(Number(process.hrtime.bigint() - t0) / intervalNs) + 1)
      // send() catches its own failures: nothing to wait for here, the last answer resolves the window.
      for (; issued < due; issued++) send(issued, t0 + BigInt(Math.round(issued * intervalNs))).catch(() => undefined)
      if (issued < total) setTimeout(tick, TICK_MS)
    }
    tick()
  })
  return unexpected
}

/**
 * One paced window of `seconds` at `rate` req/s against `target`, after `warmupS` of the same load that is not
 * counted (connections opened, the server's code hot).
 */
export async function pacedWindow (target: PacedTarget, rate: number, seconds: number, warmupS: number): Promise<Paced> {
  const pool = new Pool(target.origin, { connections: CONNECTIONS })
  try {
    if (warmupS > 0) await window(pool, target, rate, warmupS, undefined)
    const histogram = createHistogram()
    const unexpected = await window(pool, target, rate, seconds, histogram)
    const ms = (percentile: number): number => histogram.percentile(percentile) / 1e6
    return { requests: Math.round(rate * seconds), p50: ms(50), p99: ms(99), p999: ms(99.9), unexpected }
  } finally {
    await pool.close()
  }
}
