import { parseArgs } from 'node:util'
import type autocannon from 'autocannon'
import { imageCommand } from '../scripts/lib/image.js'
import { freePort, LOGIN_HEADERS, WHOAMI_HEADERS, whoamiHeaders } from './common.js'
import {
  fixed, harnessOptions, load, mb, measureWindow, median, roundLine, settings, summarise, table, unexpectedAnswers, verdict,
  withCompiledChildren, type Child, type Figures, type Sample
} from './harness.js'

// `npm run bench`: the BFF's /.ory mirror against @fastify/http-proxy doing the same cookie and Location work, on
// loopback, against one upstream stand-in (bench/upstream.ts). Each server runs in a child process of its own and
// reports its own CPU time and RSS over each measured window; rounds interleave the two servers (alternating which
// goes first) so that drift on a noisy machine hits both alike. Bounded: rounds × scenarios × servers × duration.

const { values: args } = parseArgs({ options: harnessOptions({ warmup: '2', rounds: '5', connections: process.env.BENCH_CONNECTIONS ?? '16' }) })
const { rounds: ROUNDS, durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS } = settings(args)

const TARGETS = { throughput: 1.0, cpuPerRequest: 1.0, p99: 1.2, peakRssMb: 150 }

type ScenarioName = 'whoami' | 'login-browser'

interface Scenario {
  name: ScenarioName
  path: string
  headers: Record<string, string>
  status: number
}

const SCENARIOS: Scenario[] = [
  { name: 'whoami', path: '/.ory/sessions/whoami', headers: WHOAMI_HEADERS, status: 200 },
  { name: 'login-browser', path: '/.ory/self-service/login/browser', headers: LOGIN_HEADERS, status: 303 }
]

/** One real request through the server, checked for what the proxying must have done. Returns the problems. */
async function check (child: Child, scenario: Scenario, upstream: string): Promise<string[]> {
  const problems: string[] = []
  const response = await fetch(`${child.origin}${scenario.path}`, { headers: scenario.headers, redirect: 'manual' })
  const body = await response.text()
  if (response.status !== scenario.status) {
    return [`${scenario.path}: status ${response.status}, expected ${scenario.status} (${body.slice(0, 160)})`]
  }
  if (scenario.name === 'whoami') {
    const schemaUrl = (JSON.parse(body) as { identity?: { schema_url?: string } }).identity?.schema_url ?? ''
    if (child.name === 'bff' && !schemaUrl.startsWith(`${child.origin}/.ory/`)) problems.push(`whoami: schema_url not rewritten: ${schemaUrl}`)
    if (child.name === 'http-proxy' && !schemaUrl.startsWith(upstream)) problems.push(`whoami: schema_url changed: ${schemaUrl}`)
  } else {
    const location = response.headers.get('location') ?? ''
    if (!location.startsWith(`${child.origin}/.ory/self-service/login?flow=`)) problems.push(`login: Location not rewritten: ${location}`)
    const cookies = response.headers.getSetCookie()
    if (cookies.length !== 2) problems.push(`login: ${cookies.length} Set-Cookie, expected 2`)
    if (cookies.some(cookie => /;\s*domain=/i.test(cookie))) problems.push(`login: a Set-Cookie kept its Domain: ${cookies.join(' | ')}`)
  }
  return problems
}

async function loadScenario (child: Child, scenario: Scenario, seconds: number): Promise<autocannon.Result> {
  let connection = 0
  return await load(child, scenario.path, {
    headers: scenario.headers,
    connections: CONNECTIONS,
    seconds,
    // One signed-in user per connection: concurrent whoami checks of one session would share one call to Ory (the
    // BFF's session checker coalesces them), and the bench is to measure a call per request.
    setupClient: scenario.name === 'whoami' ? client => client.setHeaders(whoamiHeaders(connection++)) : undefined
  })
}

async function main (): Promise<void> {
  // Standard output takes each server's access log (a line per request): /dev/null, so that the terminal does not
  // become part of what is measured. A crash still shows on standard error.
  await withCompiledChildren('ignore', async start => {
    const upstream = await start('upstream', 'upstream')
    const servers: Child[] = []
    for (const name of ['bff', 'http-proxy'] as const) {
      servers.push(await start(name, name, { BENCH_PORT: String(await freePort()), BENCH_UPSTREAM: upstream.origin }))
    }

    console.log(`ory-bff bench: node ${process.version} ${imageCommand().nodeOptions.join(' ')} (the image's node options, for every server; the BFF bundled as the image runs it, the peer compiled; no loader), ${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections, warm-up ${WARMUP_S} s; loopback only`)
    const available: Child[] = []
    for (const server of servers) {
      const problems = (await Promise.all(SCENARIOS.map(async scenario => await check(server, scenario, upstream.origin)))).flat()
      if (problems.length === 0) {
        available.push(server)
      } else {
        console.log(`\n${server.name} is not measured: its answers are not what the bench expects:\n  ${problems.join('\n  ')}`)
      }
    }
    if (available.length === 0) throw new Error('no server answered as expected')

    if (WARMUP_S > 0) {
      for (const server of available) for (const scenario of SCENARIOS) await loadScenario(server, scenario, WARMUP_S)
    }

    const samples = new Map<string, Sample[]>()
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        const order = round % 2 === 1 ? available : [...available].reverse()
        for (const server of order) {
          const sample = await measureWindow(server, DURATION_S, scenario.status, async () => await loadScenario(server, scenario, DURATION_S))
          const key = `${scenario.name}/${server.name}`
          samples.set(key, [...(samples.get(key) ?? []), sample])
          console.log(roundLine(round, key.padEnd(24), sample, `RSS ${fixed(mb(sample.peakRssBytes))} MB`))
        }
      }
    }

    const summary: Record<string, Figures> = {}
    const rows = [['scenario', 'server', 'req/s (median)', 'p50 ms', 'p99 ms (median)', 'CPU µs/req (median)', 'peak RSS MB', 'unexpected']]
    for (const scenario of SCENARIOS) {
      for (const server of available) {
        const figures = summarise(samples.get(`${scenario.name}/${server.name}`) ?? [])
        summary[`${scenario.name}/${server.name}`] = figures
        rows.push([scenario.name, server.name, fixed(figures.rps, 0), fixed(figures.p50, 0), fixed(figures.p99, 0), fixed(figures.cpu), fixed(mb(figures.rss)), String(figures.unexpected)])
      }
    }
    console.log(`\n${table(rows)}`)

    const bffMeasured = available.some(server => server.name === 'bff')
    const proxyMeasured = available.some(server => server.name === 'http-proxy')
    let failed = false
    if (bffMeasured && proxyMeasured) {
      const checks = [['scenario', 'throughput ×', `target ≥ ${TARGETS.throughput}`, 'CPU/req ×', `target ≤ ${TARGETS.cpuPerRequest}`, 'p99 ×', `target ≤ ${TARGETS.p99}`]]
      for (const scenario of SCENARIOS) {
        // Paired: each round measures both servers back to back, so a round's ratio compares them under the same
        // conditions; the median of the rounds' ratios is what is checked (drift between rounds cancels out).
        const bffSamples = samples.get(`${scenario.name}/bff`) ?? []
        const hpSamples = samples.get(`${scenario.name}/http-proxy`) ?? []
        const paired = (of: (sample: Sample) => number): number => median(bffSamples.map((sample, i) => of(sample) / of(hpSamples[i]!)))
        const throughput = paired(sample => sample.rps)
        const cpu = paired(sample => sample.cpuMicrosPerRequest)
        // A 0 ms p99 (possible on an idle loopback) is taken as 1 ms so that the ratio stays finite.
        const p99 = paired(sample => Math.max(sample.p99, 1))
        failed ||= throughput < TARGETS.throughput || cpu > TARGETS.cpuPerRequest || p99 > TARGETS.p99
        checks.push([scenario.name, fixed(throughput, 2), verdict(throughput >= TARGETS.throughput), fixed(cpu, 2), verdict(cpu <= TARGETS.cpuPerRequest), fixed(p99, 2), verdict(p99 <= TARGETS.p99)])
      }
      console.log(`\nBFF ÷ @fastify/http-proxy: median over the rounds of each round's ratio\n${table(checks)}`)
    } else {
      console.log('\nRatios need both servers measured.')
    }
    if (bffMeasured) {
      const peak = Math.max(...SCENARIOS.map(scenario => summary[`${scenario.name}/bff`]!.rss))
      const ok = mb(peak) <= TARGETS.peakRssMb
      failed ||= !ok
      console.log(`\nBFF peak RSS under load: ${fixed(mb(peak))} MB (target ≤ ${TARGETS.peakRssMb} MB): ${verdict(ok)}`)
    }
    if (unexpectedAnswers(summary) > 0) failed = true
    if (args.json) console.log(`\n${JSON.stringify({ rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS, summary }, null, 2)}`)
    if (!bffMeasured) failed = true
    if (args.strict && failed) process.exitCode = 1
  })
}

await main()
