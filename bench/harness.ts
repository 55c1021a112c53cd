import { execFileSync, fork, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { createHistogram } from 'node:perf_hooks'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { imageCommand } from '../scripts/lib/image.js'
import { BUNDLED, buildForBench } from './build.js'
import type { Command, Report } from './common.js'
import { pageFaults, rssMeter } from './proc.js'

// The runners' side of the benches (bench/run.ts, bench/session.ts): options, the server children, the load, the
// measured windows and the tables.

/** The options both runners take; `--json` adds the summary as JSON, `--strict` exits 1 when a target is missed. */
export function harnessOptions (defaults: { warmup: string, connections: string, rounds?: string, duration?: string }) {
  return {
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? defaults.rounds ?? '3' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? defaults.duration ?? '5' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? defaults.warmup },
    connections: { type: 'string', default: defaults.connections },
    json: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false }
  } as const
}

export interface Settings {
  rounds: number
  durationS: number
  warmupS: number
  connections: number
}

export function bounded (name: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`)
  return value
}

/** Bounds for a run: rounds × scenarios × servers × duration. */
export function settings (args: { rounds: string, duration: string, warmup: string, connections: string }): Settings {
  return {
    rounds: bounded('rounds', args.rounds, 1, 10),
    durationS: bounded('duration', args.duration, 1, 30),
    warmupS: bounded('warmup', args.warmup, 0, 10),
    connections: bounded('connections', args.connections, 1, 256)
  }
}

export interface Child {
  name: string
  process: ChildProcess
  port: number
  origin: string
}

/**
 * Starts a compiled bench file with plain node and the image's node options and environment, as production runs the server, and
 * waits for its ready report.
 */
async function startChild (name: string, file: string, env: Record<string, string>, stdout: 'ignore' | 'inherit', nodeOptions: string[]): Promise<Child> {
  const child = fork(file, [], { execArgv: nodeOptions, env: { ...process.env, ...imageCommand().env, ...env }, stdio: ['ignore', stdout, 'inherit', 'ipc'] })
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

/** Starts `bench/<file>.js` of the bench's build as the child `name`. */
export type Start = (name: string, file: string, env?: Record<string, string>) => Promise<Child>

/**
 * Compiles src/ and bench/, runs `body` with a way to start children from the build (standard output of each child
 * to `childStdout`), then has every child exit and removes the build, also on Ctrl-C.
 */
export async function withCompiledChildren (childStdout: 'ignore' | 'inherit', body: (start: Start) => Promise<void>): Promise<void> {
  const children: Child[] = []
  const { nodeOptions } = imageCommand()
  const build = await buildForBench()
  process.once('SIGINT', () => {
    for (const child of children) child.process.kill()
    rmSync(build.dir, { recursive: true, force: true })
    process.exit(130)
  })
  const start: Start = async (name, file, env = {}) => {
    // The BFF as the image runs it: bundled, with the node options of the Dockerfile's CMD. Every other child gets
    // the same options, so that the peer runs under the same V8 settings as the BFF.
    const path = BUNDLED.includes(file) ? join(build.dir, 'bench', 'bundle', `${file}.cjs`) : join(build.dir, 'bench', `${file}.js`)
    const child = await startChild(name, path, env, childStdout, nodeOptions)
    children.push(child)
    return child
  }
  try {
    await body(start)
  } finally {
    for (const child of children) child.process.send({ type: 'exit' } satisfies Command)
    await Promise.all(children.map(async child => {
      if (child.process.exitCode === null && child.process.signalCode === null) await once(child.process, 'exit')
    }))
    await build.remove()
  }
}

/** Sends a command to a child and waits for its answer. */
export async function request<T> (child: Child, command: { type: string }): Promise<T> {
  child.process.send(command)
  const [report] = await once(child.process, 'message') as [T]
  return report
}

export interface Load {
  headers: Record<string, string>
  connections: number
  seconds: number
  setupClient?: ((client: autocannon.Client) => void) | undefined
}

/**
 * autocannon's result with p50 and p99 in fractional milliseconds: autocannon times each response with
 * process.hrtime (fractional ms) but records it in an integer HDR histogram, so its own percentiles are whole
 * milliseconds (0.9 ms counts as 0). Its `response` event carries the fractional time, recorded here in ns.
 */
export async function load (child: Child, path: string, { headers, connections, seconds, setupClient }: Load): Promise<autocannon.Result> {
  const latencies = createHistogram()
  const run = autocannon({ url: `${child.origin}${path}`, headers, connections, duration: seconds, setupClient }) as unknown as autocannon.Instance & Promise<autocannon.Result>
  run.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    latencies.record(Math.max(1, Math.round(responseTimeMs * 1e6)))
  })
  const result = await run
  if (latencies.count > 0) {
    result.latency.p50 = latencies.percentile(50) / 1e6
    result.latency.p99 = latencies.percentile(99) / 1e6
  }
  return result
}

/** Whether the bench can pin processes to CPUs: taskset is there and so are two CPUs. */
export function canPin (): boolean {
  return availableParallelism() >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).error === undefined
}

/** Pins a process, all its threads (V8's and libuv's helpers too), to one CPU. */
export function pin (pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' })
}

export interface Sample {
  rps: number
  p50: number
  p99: number
  cpuMicrosPerRequest: number
  peakRssBytes: number
  /**
   * The page faults the server took in the window, per request (NaN when unknown): memory it touched for the first
   * time, or again after handing it back to the kernel. On a virtual machine each can cost several microseconds
   * (docs/performance.md), so a window with many is a slow one for a reason outside the server's code.
   */
  pageFaultsPerRequest: number
  /** Answers with another status than expected, and failed requests. */
  unexpected: number
}

/**
 * One measured window: the server child counts its own CPU time, and the runner samples its RSS and reads its page
 * faults, from just before `run` (the load) starts to just after it ends.
 */
export async function measureWindow (server: Child, durationS: number, status: number, run: () => Promise<autocannon.Result>): Promise<Sample> {
  const pid = server.process.pid!
  const rss = rssMeter(pid)
  rss.start()
  const faultsBefore = pageFaults(pid)
  server.process.send({ type: 'start' } satisfies Command)
  const result = await run()
  const report = await request<Report>(server, { type: 'stop' } satisfies Command)
  const faults = faultsBefore === undefined ? undefined : (pageFaults(pid) ?? Number.NaN) - faultsBefore
  const peakRssBytes = rss.stop()
  if (report.type !== 'measured') throw new Error(`${server.name}: no measurement`)
  const expected = result.statusCodeStats?.[`${status}`]?.count ?? 0
  const requests = result.requests.total
  return {
    rps: requests / durationS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicrosPerRequest: requests === 0 ? Number.NaN : report.cpuMicros / requests,
    peakRssBytes,
    pageFaultsPerRequest: requests === 0 || faults === undefined ? Number.NaN : faults / requests,
    unexpected: requests - expected + result.errors
  }
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export const mb = (bytes: number): number => bytes / 1024 / 1024
export const fixed = (value: number, digits = 1): string => Number.isFinite(value) ? value.toFixed(digits) : 'n/a'
export const verdict = (ok: boolean): string => ok ? 'PASS' : 'FAIL'

export function table (rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(row => row[i]!.length)))
  const line = (row: string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`
  return [line(rows[0]!), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')
}

/** A round's line: `label` (padded by the caller), throughput, p99, CPU per request, then `extra`. */
export function roundLine (round: number, label: string, sample: Sample, extra: string): string {
  return `round ${round} ${label} ${fixed(sample.rps, 0).padStart(7)} req/s  p99 ${fixed(sample.p99, 2).padStart(6)} ms  ` +
    `${fixed(sample.cpuMicrosPerRequest)} µs CPU/req  ${fixed(sample.pageFaultsPerRequest, 2)} faults/req  ${extra}${sample.unexpected > 0 ? `  ${sample.unexpected} UNEXPECTED` : ''}`
}

export interface Figures {
  rps: number
  p50: number
  p99: number
  cpu: number
  rss: number
  /** Page faults per request, the median over the rounds (NaN when unknown). */
  pageFaults: number
  unexpected: number
}

/** A scenario's rounds in one: medians, the highest RSS and all the unexpected answers. */
export function summarise (samples: Sample[]): Figures {
  return {
    rps: median(samples.map(s => s.rps)),
    p50: median(samples.map(s => s.p50)),
    p99: median(samples.map(s => s.p99)),
    cpu: median(samples.map(s => s.cpuMicrosPerRequest)),
    rss: Math.max(...samples.map(s => s.peakRssBytes)),
    pageFaults: median(samples.map(s => s.pageFaultsPerRequest)),
    unexpected: samples.reduce((sum, s) => sum + s.unexpected, 0)
  }
}

/** The unexpected answers of the whole run, said when there are any. */
export function unexpectedAnswers (summary: Record<string, { unexpected: number }>): number {
  const unexpected = Object.values(summary).reduce((sum, figures) => sum + figures.unexpected, 0)
  if (unexpected > 0) console.log(`\n${unexpected} answers had an unexpected status or failed: the figures above are not trustworthy.`)
  return unexpected
}
