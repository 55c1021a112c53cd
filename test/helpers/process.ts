import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { REPO } from './config.js'

export { REPO }

type LogLine = Record<string, unknown>
type Match = (line: LogLine) => boolean

export interface ServerProcess {
  child: ChildProcess
  /** Log lines parsed from standard output (non-JSON lines are kept as `{ text }`). */
  logs: LogLine[]
  stderr: () => string
  /** Resolves with the first log line that matches, now or later; rejects if the process exits first. */
  waitForLog: (match: Match) => Promise<LogLine>
  /** Resolves once `count` log lines match, those already written included; rejects if the process exits first. */
  waitForLogs: (match: Match, count: number) => Promise<void>
  /** Resolves with the exit code (or the signal) once the process has ended. */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/**
 * Starts the server in a child process with exactly the environment given (plus PATH), the way an orchestrator
 * does. By default it runs the TypeScript source through tsx; `args` runs something else (the built output).
 */
export function startServer (env: Record<string, string>, options: { args?: string[], cwd?: string } = {}): ServerProcess {
  const args = options.args ?? ['--import', 'tsx', 'src/server.ts']
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? REPO,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logs: LogLine[] = []
  const waiters: Array<{ match: Match, count: number, resolve: () => void }> = []
  let stderr = ''
  let pending = ''
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  const exitedEarly = async (): Promise<never> => {
    const { code, signal } = await exited
    throw new Error(`the server exited (code ${String(code)}, signal ${String(signal)}) before the expected log line; stderr: ${stderr}`)
  }

  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk
    let newline: number
    while ((newline = pending.indexOf('\n')) !== -1) {
      const text = pending.slice(0, newline)
      pending = pending.slice(newline + 1)
      if (text === '') continue
      let line: LogLine
      try {
        line = JSON.parse(text) as LogLine
      } catch {
        line = { text }
      }
      logs.push(line)
      for (const waiter of [...waiters]) {
        if (logs.filter(waiter.match).length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
      }
    }
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => { stderr += chunk })

  const waitForLogs = async (match: Match, count: number): Promise<void> => {
    if (logs.filter(match).length >= count) return
    await Promise.race([new Promise<void>(resolve => waiters.push({ match, count, resolve })), exitedEarly()])
  }
  return {
    child,
    logs,
    stderr: () => stderr,
    exited,
    waitForLogs,
    waitForLog: async match => {
      await waitForLogs(match, 1)
      return logs.find(match)!
    }
  }
}

/** The port from the server's "listening" line. */
export function listeningPort (line: LogLine): number {
  return Number(new URL(String(line.address)).port)
}

export const isListening: Match = line => typeof line.address === 'string' && typeof line.upstream === 'string'
