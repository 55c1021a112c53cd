import { once } from 'node:events'
import { parseArgs } from 'node:util'
import type autocannon from 'autocannon'
import { freePort, WHOAMI_HEADERS } from './common.js'
import {
  bounded, fixed, harnessOptions, load, mb, measureWindow, request, roundLine, settings, summarise, table,
  unexpectedAnswers, verdict, withCompiledChildren, type Child, type Figures, type Sample, type Start
} from './harness.js'
import { startRedis } from './redis.js'
import type { CallsReport, SessionBenchCommand } from './session-common.js'

// `npm run bench:session`: who-am-I for an SPA, two ways, in the same run. The BFF's GET /api/session with a warm
// session cache, against GET /.ory/sessions/whoami through @fastify/http-proxy, where every request is a call to a
// stand-in for Ory that answers in 20 ms. Child processes in plain JavaScript (the BFF bundled as the image runs it), each reporting its own CPU and
// RSS; rounds interleave the servers; every whoami call that reaches the stand-in is timed, so that the calls the
// cache lets through per TTL window can be counted while 50 connections hammer one session. A second BFF has
// REDIS_URL set (a redis-server of the run's own): the session-eviction fan-out between replicas must leave the
// cached path as it was, in CPU per request and in latency.

const { values: args } = parseArgs({
  options: {
    ...harnessOptions({ warmup: '1', connections: process.env.BENCH_SESSION_CONNECTIONS ?? '50' }),
    ttl: { type: 'string', default: process.env.BENCH_TTL_MS ?? '1000' }
  }
})

const { rounds: ROUNDS, durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS } = settings(args)
const TTL_MS = bounded('ttl', args.ttl, 100, 60_000)

// With REDIS_URL, the cached path's CPU per request and p99 within 10 % of the BFF's without (run-to-run noise here).
const TARGETS = { throughput: 5, p99Ms: 10, callsPerWindow: 1, redisRatio: 1.1 }

interface Scenario {
  name: string
  server: string
  path: string
  /** Counted against the targets; the others are shown for scale. */
  role: 'cached' | 'uncached' | 'redis' | 'info'
}

const SCENARIOS: Scenario[] = [
  { name: 'GET /api/session (warm cache)', server: 'bff', path: '/api/session', role: 'cached' },
  { name: 'GET /api/session (warm cache, REDIS_URL set)', server: 'bff-redis', path: '/api/session', role: 'redis' },
  { name: 'GET /.ory/sessions/whoami via @fastify/http-proxy', server: 'http-proxy', path: '/.ory/sessions/whoami', role: 'uncached' },
  { name: 'GET /.ory/sessions/whoami via the BFF (cached)', server: 'bff', path: '/.ory/sessions/whoami', role: 'info' }
]

interface SessionSample extends Sample {
  /** Whoami calls that reached the stand-in during the window, and the shortest gap between two of them. */
  upstreamCalls: number
  minGapMs: number
}

async function loadPath (child: Child, path: string, seconds: number): Promise<autocannon.Result> {
  return await load(child, path, { headers: WHOAMI_HEADERS, connections: CONNECTIONS, seconds })
}

async function measure (server: Child, upstream: Child, scenario: Scenario): Promise<SessionSample> {
  await request<CallsReport>(upstream, { type: 'calls' } satisfies SessionBenchCommand)
  const sample = await measureWindow(server, DURATION_S, 200, async () => await loadPath(server, scenario.path, DURATION_S))
  const { times } = await request<CallsReport>(upstream, { type: 'calls' } satisfies SessionBenchCommand)
  let minGapMs = Number.POSITIVE_INFINITY
  for (let i = 1; i < times.length; i++) minGapMs = Math.min(minGapMs, times[i]! - times[i - 1]!)
  return { ...sample, upstreamCalls: times.length, minGapMs }
}

interface SessionFigures extends Figures {
  calls: number
  callsPerWindow: number
  minGapMs: number
}

async function main (): Promise<void> {
  await withCompiledChildren('inherit', async start => {
    const upstream = await start('upstream', 'session-upstream')
    const redis = await startRedis()
    try {
      await run(start, upstream, redis.url)
    } finally {
      const exited = once(redis.process, 'exit')
      redis.process.kill('SIGTERM')
      await exited
    }
  })
}

async function run (start: Start, upstream: Child, redisUrl: string): Promise<void> {
  const servers = new Map<string, Child>()
  for (const [name, file, extra] of [['bff', 'session-bff', {}], ['bff-redis', 'session-bff', { BENCH_REDIS_URL: redisUrl }], ['http-proxy', 'session-proxy', {}]] as const) {
    servers.set(name, await start(name, file, { BENCH_PORT: String(await freePort()), BENCH_UPSTREAM: upstream.origin, BENCH_TTL_MS: String(TTL_MS), ...extra }))
  }
  // The fan-out's subscription is confirmed after listen; until then the cache is off (and the bench would measure
  // uncached answers).
  await fanoutSubscribed(servers.get('bff-redis')!.origin)
  console.log(`ory-bff session bench: node ${process.version}, ${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections, ` +
    `warm-up ${WARMUP_S} s, SESSION_CACHE_TTL_MS=${TTL_MS}, stand-in whoami 20 ms; loopback only`)

  for (const scenario of SCENARIOS) {
    const response = await fetch(`${servers.get(scenario.server)!.origin}${scenario.path}`, { headers: WHOAMI_HEADERS })
    const body = await response.json() as { identity?: { traits?: { email?: string } } }
    if (response.status !== 200 || body.identity?.traits?.email !== 'ada.lovelace@example.com') {
      throw new Error(`${scenario.name}: ${response.status}, not the session the bench expects`)
    }
  }
  // Warm-up: connections open, code optimised, and the BFF's cache filled.
  if (WARMUP_S > 0) for (const scenario of SCENARIOS) await loadPath(servers.get(scenario.server)!, scenario.path, WARMUP_S)

  const samples = new Map<string, SessionSample[]>()
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? SCENARIOS : [...SCENARIOS].reverse()
    for (const scenario of order) {
      const sample = await measure(servers.get(scenario.server)!, upstream, scenario)
      samples.set(scenario.name, [...(samples.get(scenario.name) ?? []), sample])
      console.log(roundLine(round, scenario.name.padEnd(50), sample, `whoami calls ${sample.upstreamCalls}`))
    }
  }

  // If each TTL window lets one call through, a window of D seconds sees at most floor(D / TTL) + 1 calls.
  const allowed = Math.floor((DURATION_S * 1000) / TTL_MS) + 1
  const summary: Record<string, SessionFigures> = {}
  const rows = [['scenario', 'req/s (median)', 'p50 ms', 'p99 ms (median)', 'CPU µs/req', 'peak RSS MB', 'whoami calls (most in a window)', 'unexpected']]
  for (const scenario of SCENARIOS) {
    const list = samples.get(scenario.name)!
    const { unexpected, ...figures } = summarise(list)
    const calls = Math.max(...list.map(s => s.upstreamCalls))
    // In the order the JSON summary has always had: the counts of the stand-in's calls before `unexpected`.
    summary[scenario.name] = { ...figures, calls, callsPerWindow: calls / allowed, minGapMs: Math.min(...list.map(s => s.minGapMs)), unexpected }
    const perWindow = scenario.role === 'uncached' ? 'every request' : `${calls} (≤ ${allowed} allowed)`
    rows.push([scenario.name, fixed(figures.rps, 0), fixed(figures.p50, 0), fixed(figures.p99, 0), fixed(figures.cpu), fixed(mb(figures.rss)), perWindow, String(unexpected)])
  }
  console.log(`\n${table(rows)}`)

  const cached = summary[SCENARIOS.find(s => s.role === 'cached')!.name]!
  const uncached = summary[SCENARIOS.find(s => s.role === 'uncached')!.name]!
  const throughput = cached.rps / uncached.rps
  // At most one call per TTL window: no more calls than that allows, and no two calls closer together than the TTL
  // (timed where they arrive, at the stand-in: a 10 % allowance for scheduling jitter on a loaded machine).
  const gapOk = cached.calls <= allowed && (!Number.isFinite(cached.minGapMs) || cached.minGapMs >= TTL_MS * 0.9)
  const withRedis = summary[SCENARIOS.find(s => s.role === 'redis')!.name]!
  const cpuRatio = withRedis.cpu / cached.cpu
  const p99Ratio = withRedis.p99 / cached.p99
  const redisOk = cpuRatio <= TARGETS.redisRatio && p99Ratio <= TARGETS.redisRatio && withRedis.calls <= allowed
  const checks = [
    ['check', 'measured', 'target', ''],
    ['throughput, cached ÷ uncached', `${fixed(throughput, 1)}×`, `≥ ${TARGETS.throughput}×`, verdict(throughput >= TARGETS.throughput)],
    ['p99 of GET /api/session', `${fixed(cached.p99, 0)} ms`, `≤ ${TARGETS.p99Ms} ms`, verdict(cached.p99 <= TARGETS.p99Ms)],
    ['whoami calls per TTL window (50 connections, one session)', `${fixed(cached.callsPerWindow, 2)}: ${cached.calls} calls in ${DURATION_S} s, shortest gap ${fixed(cached.minGapMs, 0)} ms`, `≤ ${TARGETS.callsPerWindow}`, verdict(gapOk)],
    ['REDIS_URL set: CPU per request ÷ without', `${fixed(cpuRatio, 2)} (${fixed(withRedis.cpu)} ÷ ${fixed(cached.cpu)} µs)`, `≤ ${TARGETS.redisRatio}`, verdict(cpuRatio <= TARGETS.redisRatio)],
    ['REDIS_URL set: p99 ÷ without', `${fixed(p99Ratio, 2)}`, `≤ ${TARGETS.redisRatio}`, verdict(p99Ratio <= TARGETS.redisRatio)],
    ['REDIS_URL set: whoami calls (still cached)', `${withRedis.calls}`, `≤ ${allowed}`, verdict(withRedis.calls <= allowed)]
  ]
  console.log(`\n${table(checks)}`)
  const unexpected = unexpectedAnswers(summary)
  if (args.json) console.log(`\n${JSON.stringify({ rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS, ttlMs: TTL_MS, summary }, null, 2)}`)
  const failed = throughput < TARGETS.throughput || cached.p99 > TARGETS.p99Ms || !gapOk || unexpected > 0 || !redisOk
  if (args.strict && failed) process.exitCode = 1
}

/** Until the BFF's readiness says it hears the other replicas' evictions (at most 10 s). */
async function fanoutSubscribed (origin: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const body = await (await fetch(`${origin}/health/ready`)).json() as { redis?: { fanout?: { subscribed?: boolean } } }
    if (body.redis?.fanout?.subscribed === true) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error('the BFF with REDIS_URL never subscribed to the session evictions')
}

await main()
