import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

// CPU time and RSS of processes read from Linux's /proc: of those that are not node children of the runner
// (redis-server, Apache httpd and its workers), which cannot report over IPC as the bench's node children do, and the
// RSS and page faults of every server measured, read by the runner so that the reading costs the server nothing.

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim())

interface Stat { ppid: number, ticks: number, childTicks: number, rssBytes: number, faults: number, childFaults: number }

function stat (pid: number): Stat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name, in parentheses, may hold spaces: the fields are counted after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // From field 3 (state) on: ppid is field 4, minflt 10, cminflt 11, majflt 12, cmajflt 13, utime 14, stime 15,
  // cutime 16, cstime 17, rss 24 (pages).
  const at = (n: number): number => Number(fields[n - 3])
  return {
    ppid: at(4),
    ticks: at(14) + at(15),
    childTicks: at(16) + at(17),
    rssBytes: at(24) * PAGE_BYTES,
    faults: at(10) + at(12),
    childFaults: at(11) + at(13)
  }
}

/**
 * The page faults, minor and major, that a process (all its threads) has taken so far, or undefined once it is gone.
 * Most are first touches of memory the process got from the kernel, or got back after returning it.
 */
export function pageFaults (pid: number): number | undefined {
  return stat(pid)?.faults
}

/**
 * A process and its direct children (Apache's workers): their CPU time so far in microseconds, their page faults so
 * far and their summed RSS. Children that exited and were reaped count through the parent's cutime/cstime and
 * cminflt/cmajflt, so a worker that goes between two readings is not lost.
 */
export function treeUsage (rootPid: number): { cpuMicros: number, faults: number, rssBytes: number } {
  const root = stat(rootPid)
  if (root === undefined) throw new Error(`process ${rootPid} is gone`)
  let ticks = root.ticks + root.childTicks
  let faults = root.faults + root.childFaults
  let rssBytes = root.rssBytes
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const child = stat(Number(entry))
    if (child?.ppid === rootPid) {
      ticks += child.ticks
      faults += child.faults
      rssBytes += child.rssBytes
    }
  }
  return { cpuMicros: (ticks / TICKS_PER_SECOND) * 1e6, faults, rssBytes }
}

/** Samples a process tree over a window: CPU used and page faults taken from start() to stop(), and the highest summed RSS seen. */
export function treeMeter (rootPid: number): { start: () => void, stop: () => { cpuMicros: number, faults: number, peakRssBytes: number } } {
  let before = 0
  let faultsBefore = 0
  let peak = 0
  let timer: NodeJS.Timeout | undefined
  return {
    start () {
      const usage = treeUsage(rootPid)
      before = usage.cpuMicros
      faultsBefore = usage.faults
      peak = usage.rssBytes
      timer = setInterval(() => { peak = Math.max(peak, treeUsage(rootPid).rssBytes) }, 200)
    },
    stop () {
      clearInterval(timer)
      const usage = treeUsage(rootPid)
      return { cpuMicros: usage.cpuMicros - before, faults: usage.faults - faultsBefore, peakRssBytes: Math.max(peak, usage.rssBytes) }
    }
  }
}

/** How often the RSS is sampled while a window is measured. */
const RSS_SAMPLE_MS = 20

/** The highest RSS of one process from start() to stop(), sampled every RSS_SAMPLE_MS from /proc/<pid>/statm. */
export function rssMeter (pid: number): { start: () => void, stop: () => number } {
  let peak = 0
  let timer: NodeJS.Timeout | undefined
  const sample = (): void => {
    let text: string
    try {
      text = readFileSync(`/proc/${pid}/statm`, 'utf8')
    } catch {
      return
    }
    // Its second field: resident pages.
    peak = Math.max(peak, Number(text.split(' ')[1]) * PAGE_BYTES)
  }
  return {
    start () {
      peak = 0
      sample()
      timer = setInterval(sample, RSS_SAMPLE_MS)
    },
    stop () {
      clearInterval(timer)
      sample()
      return peak
    }
  }
}
