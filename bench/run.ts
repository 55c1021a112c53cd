import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { buildForBench } from './build.js'
import { freePort, LOGIN_HEADERS, WHOAMI_HEADERS, whoamiHeaders, type Command, type Report } from './common.js'

// `npm run bench`: the BFF's /.ory mirror against @fastify/http-proxy doing the same cookie and Location work, on
// loopback, against one upstream stand-in (bench/upstream.ts). Each server runs in a child process of its own and
// reports its own CPU time and RSS over each measured window; rounds interleave the two servers (alternating which
// goes first) so that drift on a noisy machine hits both alike. Bounded: rounds × scenarios × servers × duration.

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '3' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '5' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '2' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '16' },
    json: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false }
  }
})

function bounded (name: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`)
  return value
}

const ROUNDS = bounded('rounds', args.rounds, 1, 10)
const DURATION_S = bounded('duration', args.duration, 1, 30)
const WARMUP_S = bounded('warmup', args.warmup, 0, 10)
const CONNECTIONS = bounded('connections', args.connections, 1, 256)

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

interface Child {
  name: string
  process: ChildProcess
  port: number
  origin: string
}

interface Sample {
  round: number
  requests: number
  rps: number
  p50: number
  p99: number
  cpuMicrosPerRequest: number
  peakRssBytes: number
  unexpected: number
}

/** Starts a compiled bench file (`bench/<name>.js` of the build) with plain node, as production runs the server. */
async function startChild (name: string, file: string, env: Record<string, string>): Promise<Child> {
  const child = fork(file, [], {
    execArgv: [],
    env: { ...process.env, ...env },
    // Standard output takes each server's access log (a line per request): /dev/null, so that the terminal does not
    // become part of what is measured. A crash still shows on standard error.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  })
  const ready = await new Promise<Report>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${name} did not start within 30 s`))
    }, 30_000)
    child.once('message', (report: Report) => {
      clearTimeout(timer)
      resolve(report)
    })
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with code ${code} before it was ready`))
    })
  })
  if (ready.type !== 'ready') throw new Error(`${name}: unexpected first message ${JSON.stringify(ready)}`)
  return { name, process: child, port: ready.port, origin: `http://127.0.0.1:${ready.port}` }
}

async function ask (child: Child, command: Command): Promise<Report | undefined> {
  child.process.send(command)
  if (command.type !== 'stop') return undefined
  const [report] = await once(child.process, 'message') as [Report]
  return report
}

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

async function load (child: Child, scenario: Scenario, seconds: number): Promise<autocannon.Result> {
  let connection = 0
  return await autocannon({
    url: `${child.origin}${scenario.path}`,
    headers: scenario.headers,
    connections: CONNECTIONS,
    duration: seconds,
    // One signed-in user per connection: concurrent whoami checks of one session would share one call to Ory (the
    // BFF's session checker coalesces them), and the bench is to measure a call per request.
    setupClient: scenario.name === 'whoami' ? client => client.setHeaders(whoamiHeaders(connection++)) : undefined
  })
}

async function measure (child: Child, scenario: Scenario, round: number): Promise<Sample> {
  await ask(child, { type: 'start' })
  const result = await load(child, scenario, DURATION_S)
  const report = await ask(child, { type: 'stop' })
  if (report?.type !== 'measured') throw new Error(`${child.name}: no measurement`)
  const expected = result.statusCodeStats?.[`${scenario.status}`]?.count ?? 0
  const requests = result.requests.total
  return {
    round,
    requests,
    rps: requests / DURATION_S,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicrosPerRequest: requests === 0 ? Number.NaN : report.cpuMicros / requests,
    peakRssBytes: report.peakRssBytes,
    unexpected: requests - expected + result.errors
  }
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const mb = (bytes: number): number => bytes / 1024 / 1024
const fixed = (value: number, digits = 1): string => Number.isFinite(value) ? value.toFixed(digits) : 'n/a'

function table (rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(row => row[i]!.length)))
  const line = (row: string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(rows[0]!), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')
}

async function main (): Promise<void> {
  const children: Child[] = []
  const build = await buildForBench()
  process.once('SIGINT', () => {
    for (const child of children) child.process.kill()
    rmSync(build.dir, { recursive: true, force: true })
    process.exit(130)
  })

  try {
    const compiled = (name: string): string => join(build.dir, 'bench', `${name}.js`)
    const upstream = await startChild('upstream', compiled('upstream'), {})
    children.push(upstream)
    const servers: Child[] = []
    for (const name of ['bff', 'http-proxy'] as const) {
      const child = await startChild(name, compiled(name), { BENCH_PORT: String(await freePort()), BENCH_UPSTREAM: upstream.origin })
      children.push(child)
      servers.push(child)
    }

    console.log(`ory-bff bench: node ${process.version} (servers compiled, no loader), ${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections, warm-up ${WARMUP_S} s; loopback only`)
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
      for (const server of available) for (const scenario of SCENARIOS) await load(server, scenario, WARMUP_S)
    }

    const samples = new Map<string, Sample[]>()
    for (let round = 1; round <= ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        const order = round % 2 === 1 ? available : [...available].reverse()
        for (const server of order) {
          const sample = await measure(server, scenario, round)
          const key = `${scenario.name}/${server.name}`
          samples.set(key, [...(samples.get(key) ?? []), sample])
          console.log(`round ${round} ${key.padEnd(24)} ${fixed(sample.rps, 0).padStart(7)} req/s  p99 ${String(sample.p99).padStart(3)} ms  ` +
            `${fixed(sample.cpuMicrosPerRequest)} µs CPU/req  RSS ${fixed(mb(sample.peakRssBytes))} MB${sample.unexpected > 0 ? `  ${sample.unexpected} UNEXPECTED` : ''}`)
        }
      }
    }

    const summary: Record<string, Record<string, number>> = {}
    const rows = [['scenario', 'server', 'req/s (median)', 'p50 ms', 'p99 ms (median)', 'CPU µs/req (median)', 'peak RSS MB', 'unexpected']]
    for (const scenario of SCENARIOS) {
      for (const server of available) {
        const list = samples.get(`${scenario.name}/${server.name}`) ?? []
        const figures = {
          rps: median(list.map(s => s.rps)),
          p50: median(list.map(s => s.p50)),
          p99: median(list.map(s => s.p99)),
          cpu: median(list.map(s => s.cpuMicrosPerRequest)),
          rss: Math.max(...list.map(s => s.peakRssBytes)),
          unexpected: list.reduce((sum, s) => sum + s.unexpected, 0)
        }
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
        const bff = summary[`${scenario.name}/bff`]!
        const hp = summary[`${scenario.name}/http-proxy`]!
        const throughput = bff.rps! / hp.rps!
        const cpu = bff.cpu! / hp.cpu!
        // A 0 ms p99 (possible on an idle loopback) is taken as 1 ms so that the ratio stays finite.
        const p99 = Math.max(bff.p99!, 1) / Math.max(hp.p99!, 1)
        const verdict = (ok: boolean): string => ok ? 'PASS' : 'FAIL'
        failed ||= throughput < TARGETS.throughput || cpu > TARGETS.cpuPerRequest || p99 > TARGETS.p99
        checks.push([scenario.name, fixed(throughput, 2), verdict(throughput >= TARGETS.throughput), fixed(cpu, 2), verdict(cpu <= TARGETS.cpuPerRequest), fixed(p99, 2), verdict(p99 <= TARGETS.p99)])
      }
      console.log(`\nBFF ÷ @fastify/http-proxy\n${table(checks)}`)
    } else {
      console.log('\nRatios need both servers measured.')
    }
    if (bffMeasured) {
      const peak = Math.max(...SCENARIOS.map(scenario => summary[`${scenario.name}/bff`]!.rss!))
      const ok = mb(peak) <= TARGETS.peakRssMb
      failed ||= !ok
      console.log(`\nBFF peak RSS under load: ${fixed(mb(peak))} MB (target ≤ ${TARGETS.peakRssMb} MB): ${ok ? 'PASS' : 'FAIL'}`)
    }
    const unexpected = Object.values(summary).reduce((sum, figures) => sum + figures.unexpected!, 0)
    if (unexpected > 0) {
      failed = true
      console.log(`\n${unexpected} answers had an unexpected status or failed: the figures above are not trustworthy.`)
    }
    if (args.json) console.log(`\n${JSON.stringify({ rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS, summary }, null, 2)}`)
    if (!bffMeasured) failed = true
    if (args.strict && failed) process.exitCode = 1
  } finally {
    for (const child of children) child.process.send({ type: 'exit' } satisfies Command)
    await Promise.all(children.map(async child => {
      if (child.process.exitCode === null && child.process.signalCode === null) await once(child.process, 'exit')
    }))
    await build.remove()
  }
}

await main()
