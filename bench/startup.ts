/**
 * Measures how fast the built server starts and how much memory it holds when idle:
 *   npm run build && npm run measure:startup -- [runs] [--entry=dist/server.js] [--env=NAME=value…] [node options…]
 * Each run spawns `node <options> dist/bundle/server.js` (what the image runs, options and environment included; `--entry` measures another file, such as the
 * unbundled dist/server.js) against a local stand-in for Ory, and records
 * - spawn → listening: wall time from spawning the process to its "listening" log line;
 * - in-process: performance.now() at listen as the server logs it (Node's own boot included);
 * - CPU at listen: the process's user + system CPU time at listen, as the server logs it; unlike the wall times it
 *   hardly changes when other jobs load the machine (it counts V8's and libuv's helper threads too);
 * - idle RSS: resident memory after the first readiness probe and one second of idleness.
 * The first run only warms the file system cache and is not counted.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { imageCommand } from '../scripts/lib/image.js'

const root = fileURLToPath(new URL('../', import.meta.url))
// `startup.ts [runs] [--entry=<file>] [node options…]`, e.g. `10 --max-semi-space-size=1`. Without node
// options: the image's (the Dockerfile's CMD).
const runs = Number(process.argv[2] ?? 10)
const image = imageCommand()
const entryOption = process.argv.slice(3).find(arg => arg.startsWith('--entry='))
const entryName = entryOption?.slice('--entry='.length) ?? image.entry
const entry = fileURLToPath(new URL(entryName, new URL('../', import.meta.url)))
// `--env=REDIS_URL=redis://127.0.0.1:6379`: a setting of the server's on top of the image's environment (the Redis is
// the caller's to start).
const extraEnv = Object.fromEntries(process.argv.slice(3).filter(arg => arg.startsWith('--env=')).map(arg => {
  const pair = arg.slice('--env='.length)
  const eq = pair.indexOf('=')
  if (eq < 1) throw new Error(`--env takes NAME=value, got ${arg}`)
  return [pair.slice(0, eq), pair.slice(eq + 1)]
}))
const given = process.argv.slice(3).filter(arg => arg !== entryOption && !arg.startsWith('--env='))
const nodeOptions = given.length > 0 ? given : image.nodeOptions

interface Listening { address: string, startupMs: number, startupCpuMs: number }
interface Run { spawnToListeningMs: number, inProcessMs: number, cpuMs: number, idleRssMb: number, idleRssAnonMb: number }

/** Resident memory in MB from /proc (Linux): all of it, and the anonymous part (the file-backed rest is mostly
 * the node binary's own pages, shared between processes). */
function memory (pid: number, field: 'VmRSS' | 'RssAnon'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1])
  return Math.round(kb / 102.4) / 10
}

async function get (port: number, path: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    }).on('error', reject).end()
  })
}

async function measure (oryUrl: string): Promise<Run> {
  const started = performance.now()
  const child = spawn(process.execPath, [...nodeOptions, entry], {
    cwd: root,
    env: { PATH: process.env.PATH, ...image.env, NODE_ENV: 'production', ORY_URL: oryUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = once(child, 'exit')
  let buffered = ''
  const listening = await new Promise<Listening>((resolve, reject) => {
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      for (const text of buffered.split('\n')) {
        if (!text.includes('"startupMs"')) continue
        resolve(JSON.parse(text) as Listening)
      }
    })
    exited.then(() => reject(new Error(`the server exited before listening:\n${buffered}`)), reject)
  })
  const spawnToListeningMs = performance.now() - started
  const port = Number(new URL(listening.address).port)
  // The first readiness probe may still be on its way (a loaded machine): ask again for up to ten seconds.
  for (let tries = 0; await get(port, '/health/ready') !== 200; tries++) {
    if (tries === 100) {
      child.kill('SIGKILL')
      throw new Error('the server is not ready')
    }
    await sleep(100)
  }
  await sleep(1000)
  const idleRssMb = memory(child.pid!, 'VmRSS')
  const idleRssAnonMb = memory(child.pid!, 'RssAnon')
  child.kill('SIGTERM')
  const [code] = await exited
  if (code !== 0) throw new Error(`the server exited with ${String(code)}`)
  return { spawnToListeningMs: Math.round(spawnToListeningMs), inProcessMs: listening.startupMs, cpuMs: listening.startupCpuMs, idleRssMb, idleRssAnonMb }
}

// docs/performance.md's targets, checked on the medians.
const TARGETS = { spawnToListeningMs: 300, idleRssMb: 85 }

function median (values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
}

function summary (values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b)
  return `median ${median(values)}, min ${sorted[0]!}, max ${sorted.at(-1)!}`
}

if (!existsSync(entry)) {
  process.stderr.write(`${entryName} is missing: run \`npm run build\` first\n`)
  process.exit(1)
}
const ory = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('[]')
})
ory.listen(0, '127.0.0.1')
await once(ory, 'listening')
const oryUrl = `http://127.0.0.1:${(ory.address() as AddressInfo).port}`

const results: Run[] = []
await measure(oryUrl) // warms the file system cache; not counted
for (let i = 0; i < runs; i++) results.push(await measure(oryUrl))
ory.close()

const { cpus, loadavg } = await import('node:os')
const settings = Object.keys(extraEnv).length === 0 ? '' : ` with ${Object.keys(extraEnv).join(', ')}`
console.log(`${entryName} on node ${process.version} ${nodeOptions.join(' ')}${settings}, ${runs} runs, ${cpus().length} CPUs, load average ${loadavg().map(n => n.toFixed(2)).join(' ')}`)
console.log(`spawn → listening (ms):   ${summary(results.map(r => r.spawnToListeningMs))}`)
console.log(`in-process at listen (ms): ${summary(results.map(r => r.inProcessMs))}`)
console.log(`CPU time at listen (ms):   ${summary(results.map(r => r.cpuMs))}`)
console.log(`idle RSS (MB):             ${summary(results.map(r => r.idleRssMb))}`)
console.log(`  of which anonymous (MB): ${summary(results.map(r => r.idleRssAnonMb))}`)
const startup = median(results.map(r => r.spawnToListeningMs))
const idle = median(results.map(r => r.idleRssMb))
console.log(`target: start-up (spawn → listening, median) < ${TARGETS.spawnToListeningMs} ms: ${startup < TARGETS.spawnToListeningMs ? 'PASS' : 'FAIL'}`)
console.log(`target: idle RSS (median) ≤ ${TARGETS.idleRssMb} MB: ${idle <= TARGETS.idleRssMb ? 'PASS' : 'FAIL'}`)
