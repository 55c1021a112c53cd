import type { Command } from './common.js'

// The session bench's own messages, next to bench/common.ts's start/stop/exit.

/** Runner → the stand-in: hand over (and forget) the times of the whoami calls so far. */
export type SessionBenchCommand = Command | { type: 'calls' }

/** The stand-in → runner. */
export interface CallsReport {
  type: 'calls'
  /** Epoch milliseconds of each whoami call. */
  times: number[]
}
