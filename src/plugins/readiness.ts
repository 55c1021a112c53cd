import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { identity, OryBadResponseError, OryTimeoutError, OryUnavailableError, OryUpstreamError } from '../ory/index.js'

export interface ReadinessState {
  ready: boolean
  /** `performance.now()` when the probe settled. */
  checkedAt: number
  /** Why not ready, in words fit for any client: no addresses, no upstream bodies. */
  reason?: string
  /** Ready, but these features work in a lesser way (their dependency is down), each in words fit for any client. */
  degraded?: string[]
}

export interface Readiness {
  /** The latest result if recent; otherwise the result of a probe (shared by every caller waiting for one). */
  current: () => Promise<ReadinessState>
  /** Probes now, unless a probe is already under way, whose result is then shared. */
  refresh: () => Promise<ReadinessState>
  /**
   * Probes again because something changed (Redis went away, say): after the probe under way if there is one, whose
   * result may predate the change. Only between the server's start (whose first probe sees the state of then) and its
   * close: changes while plugins connect at start, or disconnect at close, are no news.
   */
  recheck: () => void
  /** The latest result, if any. */
  readonly last: ReadinessState | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

/** Something besides Ory that features need (Redis, say): probed with Ory, in parallel. */
export interface ReadinessCheck {
  /** Resolves true when usable; false or a rejection is a failure. */
  probe: () => Promise<boolean>
  /** What fails, in words fit for any client. */
  reason: string
  /**
   * Whether the replica is useless without it (not ready then). Default false: the replica stays ready for what needs
   * none of it, and its failure is listed in `degraded`: when every replica shares the dependency, taking them all out
   * of rotation would turn a degraded service into none.
   */
  required?: boolean
}

/**
 * The longest a readiness probe waits for Ory (less when UPSTREAM_TIMEOUT_MS is less): a `GET /health/ready` that
 * finds no recent result waits for a probe, so an orchestrator's probe timeout must be above this.
 */
export const READY_PROBE_MAX_WAIT_MS = 5_000

export interface ReadinessOptions {
  intervalMs: number
  timeoutMs: number
  checks?: readonly ReadinessCheck[]
}

function reasonFor (err: unknown): string {
  if (err instanceof OryTimeoutError) return 'Ory did not answer the readiness probe in time.'
  if (err instanceof OryUnavailableError) return 'Ory could not be reached.'
  if (err instanceof OryUpstreamError) return `Ory answered the readiness probe with status ${err.status}.`
  if (err instanceof OryBadResponseError) return 'Ory\'s answer to the readiness probe could not be read.'
  return 'The readiness probe failed.'
}

/**
 * Whether the upstream Ory answers. A cheap public call (the identity schemas, one per page) is made in the
 * background every `intervalMs`, and on demand when the last result is stale; concurrent callers share one call,
 * so a storm of readiness probes never becomes a storm upstream.
 */
export const readinessPlugin = fp(async function readiness (app: FastifyInstance, options: ReadinessOptions) {
  // Beyond this age a result no longer counts as "recent": the background probe has stalled or stopped.
  const staleAfterMs = 2 * options.intervalMs + options.timeoutMs
  const checks = options.checks ?? []
  let last: ReadinessState | undefined
  let inflight: Promise<ReadinessState> | undefined
  let timer: NodeJS.Timeout | undefined

  const probe = async (): Promise<ReadinessState> => {
    let state: ReadinessState
    let failure: unknown
    const others = Promise.all(checks.map(async check => await check.probe().catch(() => false)))
    try {
      await identity.listIdentitySchemas(app.ory, { page_size: 1 }, {
        requestId: `ory-bff-readiness-${randomUUID()}`,
        retry: false,
        timeoutMs: options.timeoutMs
      })
      state = { ready: true, checkedAt: performance.now() }
    } catch (err) {
      failure = err
      state = { ready: false, checkedAt: performance.now(), reason: reasonFor(err) }
    }
    const results = await others
    const failed = checks.filter((check, index) => !results[index] && check.required === true)
    if (failed.length > 0) {
      const reasons = failed.map(check => check.reason)
      state = { ready: false, checkedAt: state.checkedAt, reason: [...(state.ready ? [] : [state.reason]), ...reasons].join(' ') }
    }
    const degraded = checks.filter((check, index) => !results[index] && check.required !== true).map(check => check.reason)
    if (degraded.length > 0) state.degraded = degraded
    // Only changes are logged: a probe every few seconds is not news.
    if (last === undefined || last.ready !== state.ready || last.reason !== state.reason || String(last.degraded) !== String(state.degraded)) {
      if (state.ready && state.degraded !== undefined) {
        app.log.warn({ degraded: state.degraded }, 'ready, with degraded features')
      } else if (state.ready) {
        app.log.info({ upstream: app.ory.baseUrl('project') }, 'upstream Ory is ready')
      } else {
        const message = failure === undefined ? `not ready: ${state.reason ?? ''}` : `upstream Ory is not ready: ${state.reason ?? ''}`
        app.log.warn({ upstream: app.ory.baseUrl('project'), err: failure }, message)
      }
    }
    last = state
    return state
  }

  const refresh = async (): Promise<ReadinessState> => {
    inflight ??= probe().finally(() => { inflight = undefined })
    return await inflight
  }

  let probing = false
  let queued: Promise<ReadinessState> | undefined
  const recheck = (): void => {
    if (!probing) return
    if (inflight === undefined) {
      refresh().catch(() => {})
      return
    }
    queued ??= inflight.then(async () => {
      queued = undefined
      return await refresh()
    })
    queued.catch(() => {})
  }

  app.decorate('readiness', {
    async current () {
      const state = last
      if (state !== undefined && performance.now() - state.checkedAt <= staleAfterMs) return state
      return await refresh()
    },
    refresh,
    recheck,
    get last () {
      return last
    }
  })

  app.addHook('onReady', function startProbing (done) {
    probing = true
    // A probe never rejects: failures become a not-ready state.
    refresh().catch(() => {})
    timer = setInterval(() => { refresh().catch(() => {}) }, options.intervalMs)
    // The probe alone must never keep the process alive.
    timer.unref()
    done()
  })
  app.addHook('preClose', function stopProbing (done) {
    probing = false
    clearInterval(timer)
    done()
  })
}, { name: 'readiness', fastify: '5.x', dependencies: ['ory-client'] })
