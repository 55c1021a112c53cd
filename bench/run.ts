import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type autocannon from 'autocannon'
import { imageCommand } from '../scripts/lib/image.js'
import { freePort, LOGIN_HEADERS, WHOAMI_HEADERS, whoamiHeaders } from './common.js'
import {
  bounded, canPin, fixed, harnessOptions, load, mb, measureWindow, median, pin, request, roundLine, settings, summarise, table, unexpectedAnswers,
  verdict, withCompiledChildren, type Child, type Figures, type Sample
} from './harness.js'
import type { Paced } from './paced.js'
import type { PacedCommand, PacedReport } from './paced-child.js'

// `npm run bench:mirror`: the BFF's /.ory mirror against two peers doing the same cookie, Location and JSON-body
// work: @fastify/http-proxy, and a plain forward (Fastify and an undici Pool, nothing else). On loopback, against one
// upstream stand-in (bench/upstream.ts). Each server runs in a child process of its own and reports its own CPU time
// and RSS over each measured window; rounds interleave the servers (alternating the order) so that drift on a noisy
// machine hits them alike. Then, at a fixed rate, the latency each server adds over calling the upstream directly.
// Bounded: rounds × scenarios × servers × duration, plus paced rounds × scenarios × servers × the paced window.

const { values: args } = parseArgs({
  options: {
    ...harnessOptions({ warmup: '2', rounds: '8', duration: '3', connections: process.env.BENCH_CONNECTIONS ?? '50' }),
    rate: { type: 'string', default: process.env.BENCH_RATE ?? '2000' },
    // Unmeasured load right before each saturation window, as before each paced one: the window then measures the
    // server under sustained load, not its way back from the idle seconds while the others were measured.
    'window-warmup': { type: 'string', default: process.env.BENCH_WINDOW_WARMUP ?? '1' },
    'paced-rounds': { type: 'string', default: process.env.BENCH_PACED_ROUNDS ?? '3' },
    'no-pin': { type: 'boolean', default: process.env.BENCH_PIN === '0' },
    // A second BFF process of the same build, measured in the saturation rounds like a peer: BFF ÷ twin is the run's
    // noise floor, what the ratios move by when nothing differs but the process and the moment.
    twin: { type: 'boolean', default: process.env.BENCH_TWIN === '1' },
    // A V8 CPU profile of each measured window of each server: <dir>/<server>-<n>.cpuprofile (bench/profile.ts).
    'cpu-prof-dir': { type: 'string' }
  }
})
const { rounds: ROUNDS, durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS } = settings(args)
const RATE = bounded('rate', args.rate, 100, 20_000)
const PACED_ROUNDS = bounded('paced-rounds', args['paced-rounds'], 1, 10)
const WINDOW_WARMUP_S = bounded('window-warmup', args['window-warmup'], 0, 10)
/** The paced windows: long enough for a p99.9 of thousands of requests, after an unmeasured second of the same load. */
const PACED_S = Math.max(DURATION_S, 4)
const PACED_WARMUP_S = 1
// The server under test alone on CPU 0, the upstream and the load generators on CPU 1: the servers' figures then do
// not depend on how the scheduler mixes them with the load, as when the targets were set.
const PIN = !args['no-pin'] && canPin()
const SERVER_CPU = 0
const RUNNER_CPU = 1

const TWIN = 'bff-twin'

const TARGETS = { cpuVsHttpProxy: 0.9, cpuVsPlain: 1.1, p99VsHttpProxy: 1.2, addedP99Ms: 1, peakRssMb: 130 }

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
async function check (child: Child, scenario: Scenario): Promise<string[]> {
  const problems: string[] = []
  const response = await fetch(`${child.origin}${scenario.path}`, { headers: scenario.headers, redirect: 'manual' })
  const body = await response.text()
  if (response.status !== scenario.status) {
    return [`${scenario.path}: status ${response.status}, expected ${scenario.status} (${body.slice(0, 160)})`]
  }
  if (scenario.name === 'whoami') {
    const schemaUrl = (JSON.parse(body) as { identity?: { schema_url?: string } }).identity?.schema_url ?? ''
    if (!schemaUrl.startsWith(`${child.origin}/.ory/`)) problems.push(`whoami: schema_url not rewritten to ${child.origin}/.ory/: ${schemaUrl}`)
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

/** One paced window, run by the generator child: whoami's requests from as many signed-in users as the saturation run's. */
async function pacedRun (generator: Child, target: Child, upstream: Child, scenario: Scenario): Promise<Paced> {
  const command: PacedCommand = {
    type: 'paced',
    origin: target.origin,
    path: scenario.path,
    direct: { origin: upstream.origin, path: scenario.path.slice('/.ory'.length) },
    scenario: scenario.name,
    users: CONNECTIONS,
    status: scenario.status,
    rate: RATE,
    seconds: PACED_S,
    warmupS: PACED_WARMUP_S
  }
  const report = await request<PacedReport>(generator, command)
  return report.result
}

async function main (): Promise<void> {
  // Standard output takes each server's access log (a line per request): /dev/null, so that the terminal does not
  // become part of what is measured. A crash still shows on standard error.
  await withCompiledChildren('ignore', async start => {
    // After the build (which may use both CPUs), before the upstream is forked: it inherits the runner's CPU.
    if (PIN) pin(process.pid, RUNNER_CPU)
    const upstream = await start('upstream', 'upstream')
    const servers: Child[] = []
    const profileDir = args['cpu-prof-dir'] === undefined ? undefined : resolve(args['cpu-prof-dir'])
    if (profileDir !== undefined) await mkdir(profileDir, { recursive: true })
    const profile: Record<string, string> = profileDir === undefined ? {} : { BENCH_CPU_PROFILE_DIR: profileDir }
    const entries: Array<[string, string]> = [['bff', 'bff'], ['http-proxy', 'http-proxy'], ['plain', 'plain-forward']]
    if (args.twin) entries.push([TWIN, 'bff'])
    for (const [name, file] of entries) {
      const server = await start(name, file, { BENCH_PORT: String(await freePort()), BENCH_UPSTREAM: upstream.origin, BENCH_PROFILE_NAME: name, ...profile })
      // Once ready: V8's and libuv's helper threads exist by then, and all of them move.
      if (PIN) pin(server.process.pid!, SERVER_CPU)
      servers.push(server)
    }

    const pinning = PIN
      ? `pinned: each server on CPU ${SERVER_CPU}, the upstream and the load generators on CPU ${RUNNER_CPU}`
      : `unpinned (${args['no-pin'] ? '--no-pin or BENCH_PIN=0' : 'no taskset or fewer than 2 CPUs'})`
    console.log(`ory-bff bench: node ${process.version} ${imageCommand().nodeOptions.join(' ')} (the image's node options, for every server; the BFF bundled as the image runs it, the peers compiled; no loader), ${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections, warm-up ${WARMUP_S} s, then ${WINDOW_WARMUP_S} s unmeasured before each window; paced ${RATE} req/s × ${PACED_S} s; ${pinning}; loopback only${args.twin ? `; with a twin of the BFF (${TWIN}, saturation rounds only)` : ''}`)
    const available: Child[] = []
    for (const server of servers) {
      const problems = (await Promise.all(SCENARIOS.map(async scenario => await check(server, scenario)))).flat()
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
          if (WINDOW_WARMUP_S > 0) await loadScenario(server, scenario, WINDOW_WARMUP_S)
          const sample = await measureWindow(server, DURATION_S, scenario.status, async () => await loadScenario(server, scenario, DURATION_S))
          const key = `${scenario.name}/${server.name}`
          samples.set(key, [...(samples.get(key) ?? []), sample])
          console.log(roundLine(round, key.padEnd(24), sample, `RSS ${fixed(mb(sample.peakRssBytes))} MB`))
        }
      }
    }

    // The fixed-rate run, from a generator process of its own on the runner's CPU: in each paced round, each server
    // (the order alternating) gets one window, with every request's twin sent to the upstream directly at the same
    // moment. A window's added latency is the server's percentile less its twins', so that a stall of the machine,
    // which delays both alike, is not counted as the server's; the medians over the rounds are reported.
    const generator = await start('paced', 'paced-child')
    // The twin is a measure of the saturation rounds' noise; the fixed-rate windows have their direct twins for that.
    const pacedServers = available.filter(server => server.name !== TWIN)
    const paced = new Map<string, Paced[]>()
    for (let round = 1; round <= PACED_ROUNDS; round++) {
      for (const [index, scenario] of SCENARIOS.entries()) {
        for (const server of (round + index) % 2 === 1 ? pacedServers : [...pacedServers].reverse()) {
          const result = await pacedRun(generator, server, upstream, scenario)
          const key = `${scenario.name}/${server.name}`
          paced.set(key, [...(paced.get(key) ?? []), result])
          console.log(`paced ${round} ${key.padEnd(24)} ${RATE} req/s  p50 ${fixed(result.p50, 3)}  p99 ${fixed(result.p99, 3)}  p99.9 ${fixed(result.p999, 3)} ms` +
            `  (direct p50 ${fixed(result.direct!.p50, 3)}  p99 ${fixed(result.direct!.p99, 3)}  p99.9 ${fixed(result.direct!.p999, 3)})` +
            `${result.unexpected + result.direct!.unexpected > 0 ? `  ${result.unexpected + result.direct!.unexpected} UNEXPECTED` : ''}`)
        }
      }
    }

    const summary: Record<string, Figures> = {}
    const rows = [['scenario', 'server', 'req/s (median)', 'p50 ms', 'p99 ms (median)', 'CPU µs/req (median)', 'page faults/req (median)', 'peak RSS MB', 'unexpected']]
    for (const scenario of SCENARIOS) {
      for (const server of available) {
        const figures = summarise(samples.get(`${scenario.name}/${server.name}`) ?? [])
        summary[`${scenario.name}/${server.name}`] = figures
        rows.push([scenario.name, server.name, fixed(figures.rps, 0), fixed(figures.p50, 2), fixed(figures.p99, 2), fixed(figures.cpu), fixed(figures.pageFaults, 2), fixed(mb(figures.rss)), String(figures.unexpected)])
      }
    }
    console.log(`\n${table(rows)}`)

    const measured = (name: string): boolean => available.some(server => server.name === name)
    const bffMeasured = measured('bff')
    let failed = false
    const ratios: Record<string, Record<string, number>> = {}
    // Paired: each round measures the servers back to back, so a round's ratio compares them under the same
    // conditions; the median of the rounds' ratios is what is checked (drift between rounds cancels out).
    const paired = (scenario: Scenario, peer: string, of: (sample: Sample) => number): number => {
      const bffSamples = samples.get(`${scenario.name}/bff`) ?? []
      const peerSamples = samples.get(`${scenario.name}/${peer}`) ?? []
      return median(bffSamples.map((sample, i) => of(sample) / of(peerSamples[i]!)))
    }
    if (bffMeasured && measured('http-proxy')) {
      const checks = [['scenario', 'throughput ×', 'CPU/req ×', `target ≤ ${TARGETS.cpuVsHttpProxy}`, 'p99 ×', `target ≤ ${TARGETS.p99VsHttpProxy}`]]
      for (const scenario of SCENARIOS) {
        const throughput = paired(scenario, 'http-proxy', sample => sample.rps)
        const cpu = paired(scenario, 'http-proxy', sample => sample.cpuMicrosPerRequest)
        // A p99 under 1 µs (not seen, but a ratio must stay finite) is taken as 1 µs.
        const p99 = paired(scenario, 'http-proxy', sample => Math.max(sample.p99, 0.001))
        ratios[`${scenario.name}/bff÷http-proxy`] = { throughput, cpu, p99 }
        failed ||= cpu > TARGETS.cpuVsHttpProxy || p99 > TARGETS.p99VsHttpProxy
        checks.push([scenario.name, fixed(throughput, 2), fixed(cpu, 2), verdict(cpu <= TARGETS.cpuVsHttpProxy), fixed(p99, 2), verdict(p99 <= TARGETS.p99VsHttpProxy)])
      }
      console.log(`\nBFF ÷ @fastify/http-proxy: median over the rounds of each round's ratio (throughput is shown, not a target)\n${table(checks)}`)
    } else {
      console.log('\nThe ratios to @fastify/http-proxy need both servers measured.')
      failed = true
    }
    if (bffMeasured && measured('plain')) {
      const checks = [['scenario', 'throughput ×', 'CPU/req ×', `target ≤ ${TARGETS.cpuVsPlain}`, 'p99 ×']]
      for (const scenario of SCENARIOS) {
        const throughput = paired(scenario, 'plain', sample => sample.rps)
        const cpu = paired(scenario, 'plain', sample => sample.cpuMicrosPerRequest)
        const p99 = paired(scenario, 'plain', sample => Math.max(sample.p99, 0.001))
        ratios[`${scenario.name}/bff÷plain`] = { throughput, cpu, p99 }
        failed ||= cpu > TARGETS.cpuVsPlain
        checks.push([scenario.name, fixed(throughput, 2), fixed(cpu, 2), verdict(cpu <= TARGETS.cpuVsPlain), fixed(p99, 2)])
      }
      console.log(`\nBFF ÷ plain forward: median over the rounds of each round's ratio (throughput and p99 are shown, not targets)\n${table(checks)}`)
    } else {
      console.log('\nThe ratios to the plain forward need both servers measured.')
      failed = true
    }

    if (bffMeasured && measured(TWIN)) {
      const checks = [['scenario', 'throughput ×', 'CPU/req ×', 'p99 ×']]
      for (const scenario of SCENARIOS) {
        const throughput = paired(scenario, TWIN, sample => sample.rps)
        const cpu = paired(scenario, TWIN, sample => sample.cpuMicrosPerRequest)
        const p99 = paired(scenario, TWIN, sample => Math.max(sample.p99, 0.001))
        ratios[`${scenario.name}/bff÷${TWIN}`] = { throughput, cpu, p99 }
        checks.push([scenario.name, fixed(throughput, 2), fixed(cpu, 2), fixed(p99, 2)])
      }
      console.log(`\nBFF ÷ its twin (the same build in another process): the noise of this run's ratios, not a target\n${table(checks)}`)
    }

    const added: Record<string, { p50: number, p99: number, p999: number }> = {}
    const latency: Record<string, { p50: number, p99: number, p999: number, unexpected: number }> = {}
    const medianOf = (results: Array<Omit<Paced, 'direct'>>): { p50: number, p99: number, p999: number, unexpected: number } => ({
      p50: median(results.map(result => result.p50)),
      p99: median(results.map(result => result.p99)),
      p999: median(results.map(result => result.p999)),
      unexpected: results.reduce((sum, result) => sum + result.unexpected, 0)
    })
    const pacedRows = [['scenario', 'target', 'p50 ms', 'p99 ms', 'p99.9 ms', '+p50 ms', '+p99 ms', '+p99.9 ms', `+p99 target ≤ ${TARGETS.addedP99Ms} ms`, 'unexpected']]
    for (const scenario of SCENARIOS) {
      for (const server of pacedServers) {
        const results = paced.get(`${scenario.name}/${server.name}`)!
        const directs = results.map(result => result.direct!)
        const result = medianOf(results)
        const direct = medianOf(directs)
        latency[`${scenario.name}/${server.name}`] = result
        latency[`${scenario.name}/${server.name}/direct`] = direct
        const more = {
          p50: median(results.map(r => r.p50 - r.direct!.p50)),
          p99: median(results.map(r => r.p99 - r.direct!.p99)),
          p999: median(results.map(r => r.p999 - r.direct!.p999))
        }
        added[`${scenario.name}/${server.name}`] = more
        const ok = more.p99 <= TARGETS.addedP99Ms
        if (server.name === 'bff') failed ||= !ok
        pacedRows.push([scenario.name, `upstream, beside ${server.name}`, fixed(direct.p50, 3), fixed(direct.p99, 3), fixed(direct.p999, 3), '', '', '', '', String(direct.unexpected)])
        pacedRows.push([scenario.name, server.name, fixed(result.p50, 3), fixed(result.p99, 3), fixed(result.p999, 3), fixed(more.p50, 3), fixed(more.p99, 3), fixed(more.p999, 3), server.name === 'bff' ? verdict(ok) : '', String(result.unexpected)])
      }
    }
    console.log(`\nAt ${RATE} req/s (paced, latency from each request's scheduled time; each request's twin sent to the upstream directly at the same moment), ${PACED_ROUNDS} rounds × ${PACED_S} s per server, medians over the rounds; + is the latency added over the direct twins in the same window\n${table(pacedRows)}`)
    const pacedUnexpected = Object.values(latency).reduce((sum, result) => sum + result.unexpected, 0)
    if (pacedUnexpected > 0) {
      console.log(`\n${pacedUnexpected} paced requests had an unexpected status or failed: the fixed-rate figures are not trustworthy.`)
      failed = true
    }

    let peakRssMb: number | undefined
    if (bffMeasured) {
      peakRssMb = mb(Math.max(...SCENARIOS.map(scenario => summary[`${scenario.name}/bff`]!.rss)))
      const ok = peakRssMb <= TARGETS.peakRssMb
      failed ||= !ok
      console.log(`\nBFF peak RSS under load: ${fixed(peakRssMb)} MB (target ≤ ${TARGETS.peakRssMb} MB): ${verdict(ok)}`)
    }
    if (unexpectedAnswers(summary) > 0) failed = true
    if (args.json) {
      const fixedRate = { rate: RATE, rounds: PACED_ROUNDS, seconds: PACED_S, latency, added }
      console.log(`\n${JSON.stringify({ rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS, pinned: PIN, targets: TARGETS, summary, ratios, fixedRate, peakRssMb, failed }, null, 2)}`)
    }
    if (!bffMeasured) failed = true
    if (args.strict && failed) process.exitCode = 1
  })
}

await main()
