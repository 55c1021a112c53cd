import { LOGIN_HEADERS, send, whoamiHeaders } from './common.js'
import { pacedWindow, type Paced } from './paced.js'

// The fixed-rate load generator in a process of its own (started by bench/run.ts on the runner's CPU): small, with
// no TypeScript compiler or autocannon in its heap, so that its own garbage collections stay out of the latencies it
// measures. Told by IPC what to load; answers with the window's figures.

/** What the runner asks for: one paced window against `origin` + `path`. */
export interface PacedCommand {
  type: 'paced'
  origin: string
  path: string
  /** The upstream, called directly alongside at the same moments (see PacedTarget.direct). */
  direct?: { origin: string, path: string }
  /** whoami: the i-th request from the (i mod users)-th signed-in user; login: a browser without a session. */
  scenario: 'whoami' | 'login-browser'
  users: number
  status: number
  rate: number
  seconds: number
  warmupS: number
}

export interface PacedReport {
  type: 'paced'
  result: Paced
}

process.on('message', (command: PacedCommand | { type: 'exit' }) => {
  if (command.type === 'exit') process.exit(0)
  if (command.type !== 'paced') return
  const headers = command.scenario === 'whoami' ? (i: number) => whoamiHeaders(i % command.users) : () => LOGIN_HEADERS
  pacedWindow({ origin: command.origin, path: command.path, direct: command.direct, headers, status: command.status }, command.rate, command.seconds, command.warmupS)
    .then(result => process.send?.({ type: 'paced', result } satisfies PacedReport))
    .catch(err => {
      console.error(err)
      process.exit(1)
    })
})
process.on('disconnect', () => process.exit(0))
send({ type: 'ready', port: 0 })
