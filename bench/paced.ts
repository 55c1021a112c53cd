import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'
import { Pool } from 'undici'

// A paced load generator, as wrk2 paces: requests go out on a fixed schedule (t0 + i/rate) whatever the server does,
// and each one's latency is counted from its scheduled time to the end of its answer's body. A server that stalls
// for 10 ms thus counts 10 ms for every request that should have gone out meanwhile, not once (coordinated omission,
// which a closed loop such as autocannon's hides: its connections simply wait).

/** Enough connections that the pool never queues a request at 2,000 req/s with sub-millisecond answers. */
const CONNECTIONS = 64
/** Which requests get a twin to the direct target: every fourth. */
const TWIN_EVERY = 4
/** How often the schedule is looked at: each look sends every request whose time has come. */
const TICK_MS = 1

export interface PacedTarget {
  origin: string
  path: string
  /**
   * The upstream called directly at the same moments, on connections of its own: every TWIN_EVERY-th request to the
   * target has a twin sent to `direct` at its scheduled time, so that whatever slows the machine down slows both alike
   * (one in four: twins for every request would double the load on the CPU the upstream and the generator share).
   */
  direct?: { origin: string, path: string }
  /** The headers of the i-th request (a signed-in user each, say). */
  headers: (i: number) => Record<string, string>
  status: number
}

export interface Paced {
  /** The direct calls' figures, sent alongside (see PacedTarget.direct). */
  direct?: Omit<Paced, 'direct'>
  /** Requests sent in the measured window (the direct twins: one in TWIN_EVERY). */
  requests: number
  /** Latency percentiles in ms, from each request's scheduled time. */
  p50: number
  p99: number
  p999: number
  /** Answers with another status than expected, and failed requests. */
  unexpected: number
}

interface Histograms {
  target: RecordableHistogram
  direct: RecordableHistogram
}

async function window (pools: { target: Pool, direct: Pool | undefined }, target: PacedTarget, rate: number, seconds: number, histograms: Histograms | undefined): Promise<{ unexpected: number, directUnexpected: number }> {
  const total = Math.round(rate * seconds)
  const intervalNs = 1e9 / rate
  const expected = pools.direct === undefined ? total : total + Math.ceil(total / TWIN_EVERY)
  let issued = 0
  let done = 0
  let unexpected = 0
  let directUnexpected = 0
  const t0 = process.hrtime.bigint()
  await new Promise<void>(resolve => {
    const send = (pool: Pool, path: string, i: number, scheduled: bigint, histogram: RecordableHistogram | undefined, direct: boolean): void => {
      // dispatch() with a handler of our own, not request(): no body stream per answer, so that the generator's own
      // CPU time (which it shares with the upstream) stays small and its stalls out of the latencies it measures.
      let status = 0
      const finish = (ok: boolean): void => {
        if (ok) histogram?.record(Math.max(1, Number(process.hrtime.bigint() - scheduled)))
        else if (direct) directUnexpected++
        else unexpected++
        if (++done === expected) resolve()
      }
      pool.dispatch({ method: 'GET', path, headers: target.headers(i) }, {
        // undici takes a handler for its current interface only when it has onRequestStart.
        onRequestStart: () => undefined,
        onResponseStart: (_controller, statusCode) => { status = statusCode },
        onResponseEnd: () => finish(status === target.status),
        onResponseError: () => finish(false)
      })
    }
    const tick = (): void => {
      const due = Math.min(total, Math.floor(Number(process.hrtime.bigint() - t0) / intervalNs) + 1)
      // send() counts its own failures: nothing to wait for here, the last answer resolves the window.
      for (; issued < due; issued++) {
        const scheduled = t0 + BigInt(Math.round(issued * intervalNs))
        send(pools.target, target.path, issued, scheduled, histograms?.target, false)
        if (pools.direct !== undefined && issued % TWIN_EVERY === 0) send(pools.direct, target.direct!.path, issued, scheduled, histograms?.direct, true)
      }
      if (issued < total) setTimeout(tick, TICK_MS)
    }
    tick()
  })
  return { unexpected, directUnexpected }
}

/**
 * One paced window of `seconds` at `rate` req/s against `target`, after `warmupS` of the same load that is not
 * counted (connections opened, the server's code hot).
 */
export async function pacedWindow (target: PacedTarget, rate: number, seconds: number, warmupS: number): Promise<Paced> {
  const pools = { target: new Pool(target.origin, { connections: CONNECTIONS }), direct: target.direct === undefined ? undefined : new Pool(target.direct.origin, { connections: CONNECTIONS }) }
  try {
    if (warmupS > 0) await window(pools, target, rate, warmupS, undefined)
    const histograms = { target: createHistogram(), direct: createHistogram() }
    const { unexpected, directUnexpected } = await window(pools, target, rate, seconds, histograms)
    const figures = (histogram: RecordableHistogram, failed: number): Omit<Paced, 'direct'> => {
      const ms = (percentile: number): number => histogram.percentile(percentile) / 1e6
      return { requests: histogram.count + failed, p50: ms(50), p99: ms(99), p999: ms(99.9), unexpected: failed }
    }
    const result: Paced = figures(histograms.target, unexpected)
    if (pools.direct !== undefined) result.direct = figures(histograms.direct, directUnexpected)
    return result
  } finally {
    await Promise.all([pools.target.close(), pools.direct?.close()])
  }
}
