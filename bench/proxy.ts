import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { request } from 'undici'
import { imageCommand } from '../scripts/lib/image.js'
import { BROWSER_HEADERS, freePort } from './common.js'
import {
  fixed, harnessOptions, mb, measureWindow, median, roundLine, settings, summarise, table, unexpectedAnswers, verdict,
  withCompiledChildren, type Child, type Figures, type Sample
} from './harness.js'
import { treeMeter } from './proc.js'
import { startRedis } from './redis.js'
import { apacheAvailable, apacheRedirectUri, startApache, type Apache } from './proxy-apache.js'
import { API_PATH } from './proxy-common.js'

// `npm run bench:proxy`: GET /api/proxy/<name>/* of the BFF, the OAuth2 access token of a signed-in user added as a
// bearer token, against a plain forward of the same request (@fastify/http-proxy, no auth work) to the same upstream:
// the sealed-cookie token store, the Redis token store, and (when installed) Apache httpd with mod_auth_openidc as a
// token-proxying relying party. Every server in a process of its own (the upstream, the emulator that signs the user
// in, redis-server too), each server's CPU time read over exactly the measured window; rounds interleave the servers.

const { values: args } = parseArgs({
  options: {
    ...harnessOptions({ warmup: '3', rounds: '3', connections: process.env.BENCH_PROXY_CONNECTIONS ?? '50' }),
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
    'skip-apache': { type: 'boolean', default: false },
    /**
     * Requests per second offered by all connections together (autocannon's overallRate); unset: as fast as the
     * server answers. At saturation, 50 connections wait their turn (Little's law: 50 ÷ req/s), so latency targets
     * are measured at a rate below every server's saturation, CPU per request at full load.
     */
    rate: { type: 'string', default: process.env.BENCH_RATE },
    /** A V8 CPU profile of each measured window of the Node servers, into this directory (bench/profile.ts). */
    'cpu-prof-dir': { type: 'string' },
    out: { type: 'string', default: 'dist/bench/proxy.json' }
  }
})
const { rounds: ROUNDS, durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS } = settings(args)

const RATE = args.rate === undefined || args.rate === '' ? undefined : Number(args.rate)
if (RATE !== undefined && (!Number.isInteger(RATE) || RATE < 1)) throw new Error(`--rate must be a positive integer, got ${String(args.rate)}`)

const TARGETS = { cpuPerRequestCookie: 1.3, p99Ms: 10 }

/** The SPA's fetch to its API through the BFF: the CSRF defence's custom header, the browser's own cookies. */
const SPA_HEADERS = {
  ...BROWSER_HEADERS,
  accept: 'application/json',
  'x-requested-with': 'XMLHttpRequest',
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty'
}
const APP_COOKIES = '_ga=GA1.1.1234567890.1700000000; theme=dark'
/** A navigation the user started: how the sign-in is driven. */
const NAVIGATION = { ...BROWSER_HEADERS, accept: 'text/html', 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }
/** An opaque token shaped as the emulator's (Hydra's) access tokens, for the plain forward, whose client sends it. */
const PLAIN_TOKEN = `ory_at_${'x'.repeat(43)}.${'y'.repeat(43)}`

/** Something the load is put on: how a measured window reads its CPU time and RSS. */
interface Server {
  key: string
  label: string
  origin: string
  headers: Record<string, string>
  /** A node child of the harness (IPC), or a process tree read from /proc. */
  child?: Child
  pid?: number
  /** A process whose CPU is shown beside (redis-server). */
  beside?: { name: string, pid: number }
  role: 'baseline' | 'cookie' | 'redis' | 'peer'
}

interface ProxySample extends Sample {
  besideCpuMicrosPerRequest?: number
}

function pairs (setCookies: string[]): string {
  return setCookies.filter(line => !/;\s*max-age=0(;|$)/i.test(line)).map(line => line.split(';', 1)[0]!).join('; ')
}

interface Redirect { location: string, setCookies: string[] }

/** A GET that must answer with a redirect. undici's request, not fetch: fetch sends its own Sec-Fetch-Mode (cors). */
async function redirect (url: string, headers: Record<string, string>, what: string): Promise<Redirect> {
  const response = await request(url, { method: 'GET', headers })
  const body = await response.body.text()
  const location = response.headers.location
  if (response.statusCode < 300 || response.statusCode > 303 || typeof location !== 'string') {
    throw new Error(`${what}: ${url} answered ${response.statusCode}, not a redirect: ${body.slice(0, 300)}`)
  }
  const cookies = response.headers['set-cookie']
  return { location, setCookies: cookies === undefined ? [] : Array.isArray(cookies) ? cookies : [cookies] }
}

/** A real login through the BFF against the emulator, as a browser: the session cookies the callback sets. */
async function signInBff (origin: string): Promise<string> {
  const login = await redirect(`${origin}/api/oauth2/login`, NAVIGATION, 'login')
  const authorize = await redirect(login.location, NAVIGATION, 'authorize')
  const callback = await redirect(new URL(authorize.location, origin).href, { ...NAVIGATION, cookie: pairs(login.setCookies) }, 'callback')
  const cookie = pairs(callback.setCookies)
  if (cookie === '') throw new Error('the callback set no session cookie')
  return cookie
}

/** mod_auth_openidc's redirect flow, as a browser: the protected path → authorize → its redirect URI → session cookie. */
async function signInApache (apache: Apache): Promise<string> {
  const first = await redirect(`${apache.origin}${API_PATH}`, NAVIGATION, 'apache')
  const authorize = await redirect(first.location, NAVIGATION, 'authorize')
  const back = await redirect(new URL(authorize.location, apache.origin).href, { ...NAVIGATION, cookie: pairs(first.setCookies) }, 'apache redirect URI')
  const cookie = pairs(back.setCookies)
  if (cookie === '') throw new Error('mod_auth_openidc set no session cookie')
  return cookie
}

async function loadOnce (server: Server, seconds: number): Promise<autocannon.Result> {
  return await autocannon({ url: `${server.origin}${API_PATH}`, headers: server.headers, connections: CONNECTIONS, duration: seconds, ...(RATE === undefined ? {} : { overallRate: RATE }) })
}

async function measure (server: Server): Promise<ProxySample> {
  const beside = server.beside === undefined ? undefined : treeMeter(server.beside.pid)
  beside?.start()
  let sample: ProxySample
  if (server.child !== undefined) {
    sample = await measureWindow(server.child, DURATION_S, 200, async () => await loadOnce(server, DURATION_S))
  } else {
    const meter = treeMeter(server.pid!)
    meter.start()
    const result = await loadOnce(server, DURATION_S)
    const used = meter.stop()
    const requests = result.requests.total
    sample = {
      rps: requests / DURATION_S,
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuMicrosPerRequest: requests === 0 ? Number.NaN : used.cpuMicros / requests,
      peakRssBytes: used.peakRssBytes,
      pageFaultsPerRequest: requests === 0 ? Number.NaN : used.faults / requests,
      unexpected: requests - (result.statusCodeStats?.['200']?.count ?? 0) + result.errors
    }
  }
  if (beside !== undefined) sample.besideCpuMicrosPerRequest = beside.stop().cpuMicros / (sample.rps * DURATION_S)
  return sample
}

async function main (): Promise<void> {
  const stops: Array<() => Promise<void>> = []
  await withCompiledChildren('ignore', async start => {
    const ports = { cookie: await freePort(), redis: await freePort(), plain: await freePort(), apache: await freePort() }
    const apacheMissing = args['skip-apache'] ? 'left out (--skip-apache)' : apacheAvailable()
    const redirectUris = [`http://127.0.0.1:${ports.cookie}/api/oauth2/callback`, `http://127.0.0.1:${ports.redis}/api/oauth2/callback`, apacheRedirectUri(ports.apache)]

    const upstream = await start('upstream', 'proxy-upstream')
    const emulator = await start('emulator', 'proxy-emulator', { BENCH_REDIRECT_URIS: JSON.stringify(redirectUris) })
    const redis = await startRedis()
    stops.push(async () => {
      const exited = once(redis.process, 'exit')
      redis.process.kill('SIGTERM')
      await exited
    })
    const env = { BENCH_UPSTREAM: upstream.origin, BENCH_ISSUER: emulator.origin }
    const profileDir = args['cpu-prof-dir'] === undefined ? undefined : resolve(args['cpu-prof-dir'])
    if (profileDir !== undefined) await mkdir(profileDir, { recursive: true })
    const profile = (name: string): Record<string, string> => profileDir === undefined ? {} : { BENCH_CPU_PROFILE_DIR: profileDir, BENCH_CPU_PROFILE_NAME: name }
    const plain = await start('plain', 'proxy-plain', { ...env, BENCH_PORT: String(ports.plain), ...profile('plain') })
    const bffCookie = await start('bff-cookie', 'proxy-bff', { ...env, BENCH_PORT: String(ports.cookie), BENCH_TOKEN_STORE: 'cookie', ...profile('bff-cookie') })
    const bffRedis = await start('bff-redis', 'proxy-bff', { ...env, BENCH_PORT: String(ports.redis), BENCH_TOKEN_STORE: 'redis', BENCH_REDIS_URL: redis.url, ...profile('bff-redis') })

    const servers: Server[] = [
      { key: 'plain', label: 'plain forward (@fastify/http-proxy)', origin: plain.origin, child: plain, role: 'baseline', headers: { ...SPA_HEADERS, cookie: APP_COOKIES, authorization: `Bearer ${PLAIN_TOKEN}` } },
      { key: 'bff-cookie', label: 'BFF /api/proxy, TOKEN_STORE=cookie', origin: bffCookie.origin, child: bffCookie, role: 'cookie', headers: { ...SPA_HEADERS, cookie: `${await signInBff(bffCookie.origin)}; ${APP_COOKIES}` } },
      { key: 'bff-redis', label: 'BFF /api/proxy, TOKEN_STORE=redis', origin: bffRedis.origin, child: bffRedis, role: 'redis', beside: { name: 'redis-server', pid: redis.process.pid! }, headers: { ...SPA_HEADERS, cookie: `${await signInBff(bffRedis.origin)}; ${APP_COOKIES}` } }
    ]
    let apacheNote = apacheMissing
    if (apacheMissing === undefined) {
      try {
        const apache = await startApache({ port: ports.apache, issuer: emulator.origin, upstream: upstream.origin })
        stops.push(apache.stop)
        servers.push({ key: 'apache', label: 'Apache httpd + mod_auth_openidc', origin: apache.origin, pid: apache.pid, role: 'peer', headers: { ...SPA_HEADERS, cookie: `${await signInApache(apache)}; ${APP_COOKIES}` } })
      } catch (err) {
        apacheNote = `left out: ${(err as Error).message}`
      }
    }

    console.log(`ory-bff proxy bench: node ${process.version} ${imageCommand().nodeOptions.join(' ')}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; ` +
      `${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections${RATE === undefined ? '' : ` at ${RATE} req/s in all`}, warm-up ${WARMUP_S} s; loopback only; GET ${API_PATH} → 225-byte JSON`)
    if (apacheNote !== undefined) console.log(`Apache httpd + mod_auth_openidc: ${apacheNote}`)

    // One real request each: a 200 means the upstream got a bearer token (it answers 401 without one).
    const available: Server[] = []
    for (const server of servers) {
      const response = await request(`${server.origin}${API_PATH}`, { method: 'GET', headers: server.headers })
      const body = await response.body.text()
      if (response.statusCode === 200 && body.startsWith('{"orders"')) available.push(server)
      else console.log(`\n${server.label} is not measured: ${response.statusCode} ${body.slice(0, 200)}`)
    }
    if (!available.some(server => server.role === 'baseline')) throw new Error('the plain forward did not answer as expected')

    if (WARMUP_S > 0) for (const server of available) await loadOnce(server, WARMUP_S)

    const samples = new Map<string, ProxySample[]>()
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? available : [...available].reverse()
      for (const server of order) {
        const sample = await measure(server)
        samples.set(server.key, [...(samples.get(server.key) ?? []), sample])
        const beside = sample.besideCpuMicrosPerRequest === undefined ? '' : `  + ${server.beside!.name} ${fixed(sample.besideCpuMicrosPerRequest)} µs/req`
        console.log(roundLine(round, server.label.padEnd(38), sample, `RSS ${fixed(mb(sample.peakRssBytes))} MB${beside}  load ${loadavg()[0]!.toFixed(1)}`))
      }
    }

    const baseline = samples.get('plain')!
    const paired = (list: ProxySample[], of: (sample: ProxySample) => number): number => median(list.map((sample, i) => of(sample) / of(baseline[i]!)))
    const summary: Record<string, Figures & { label: string, cookieBytes: number, cpuRatio: number, rpsRatio: number, besideCpu?: number }> = {}
    const rows = [['server', 'Cookie bytes', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'CPU/req ×', 'req/s ×', 'peak RSS MB', 'unexpected']]
    for (const server of available) {
      const list = samples.get(server.key)!
      const figures = summarise(list)
      const besides = list.map(sample => sample.besideCpuMicrosPerRequest).filter(value => value !== undefined)
      const cpuRatio = paired(list, sample => sample.cpuMicrosPerRequest)
      const rpsRatio = paired(list, sample => sample.rps)
      summary[server.key] = { label: server.label, cookieBytes: server.headers.cookie?.length ?? 0, ...figures, cpuRatio, rpsRatio, ...(besides.length > 0 ? { besideCpu: median(besides) } : {}) }
      const cpu = besides.length > 0 ? `${fixed(figures.cpu)} (+ ${fixed(median(besides))} redis)` : fixed(figures.cpu)
      rows.push([server.label, String(server.headers.cookie?.length ?? 0), fixed(figures.rps, 0), fixed(figures.p50, 0), fixed(figures.p99, 0), cpu, fixed(cpuRatio, 2), fixed(rpsRatio, 2), fixed(mb(figures.rss)), String(figures.unexpected)])
    }
    console.log(`\nMedians over ${ROUNDS} rounds; × = median of each round's ratio to the plain forward of the same round\n${table(rows)}`)

    const checks = [['check', 'measured', 'target', '']]
    let failed = false
    const cookie = summary['bff-cookie']
    if (cookie !== undefined) {
      const ok = cookie.cpuRatio <= TARGETS.cpuPerRequestCookie
      failed ||= !ok
      checks.push(['CPU/request, BFF (cookie store) ÷ plain forward', `${fixed(cookie.cpuRatio, 2)}×`, `≤ ${TARGETS.cpuPerRequestCookie}×`, verdict(ok)])
    }
    for (const key of ['bff-cookie', 'bff-redis']) {
      const figures = summary[key]
      if (figures === undefined) continue
      const ok = figures.p99 < TARGETS.p99Ms
      failed ||= !ok
      checks.push([`p99, ${figures.label}, ${CONNECTIONS} connections${RATE === undefined ? ' (saturated)' : ` at ${RATE} req/s`}`, `${fixed(figures.p99, 0)} ms`, `< ${TARGETS.p99Ms} ms`, verdict(ok)])
    }
    console.log(`\n${table(checks)}\nLoad average at the end: ${loadavg().map(value => value.toFixed(2)).join(', ')}`)
    if (unexpectedAnswers(summary) > 0) failed = true

    const result = {
      date: new Date().toISOString(),
      node: process.version,
      nodeOptions: imageCommand().nodeOptions,
      cpus: cpus().length,
      rounds: ROUNDS,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      connections: CONNECTIONS,
      rate: RATE ?? 'unlimited',
      loadAverageAtEnd: loadavg(),
      apache: apacheNote ?? 'measured',
      targets: TARGETS,
      summary,
      samples: Object.fromEntries(samples)
    }
    const out = resolve(args.out)
    await mkdir(dirname(out), { recursive: true })
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`\nResult: ${out}`)
    if (args.json) console.log(`\n${JSON.stringify(result, null, 2)}`)
    if (args.strict && failed) process.exitCode = 1
  }).finally(async () => {
    for (const stop of stops.reverse()) await stop()
  })
}

await main()
