import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import { join } from 'node:path'
import type { Command } from './common.js'

// A V8 CPU profile of each measured window of a bench child, when BENCH_CPU_PROFILE_DIR is set: started at the
// runner's `start`, written at its `stop` as <dir>/<name>-<n>.cpuprofile (open it in Chrome's DevTools). Through the
// inspector in-process, as Node 20 refuses --cpu-prof in NODE_OPTIONS. The profiler's own cost is measured with it.

export function profileWindows (name: string): void {
  const dir = process.env.BENCH_CPU_PROFILE_DIR
  if (dir === undefined || dir === '') return
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: 200 })
  let windows = 0
  process.on('message', (command: Command) => {
    if (command.type === 'start') {
      session.post('Profiler.start')
    } else if (command.type === 'stop') {
      session.post('Profiler.stop', (err, result) => {
        if (err === null) writeFileSync(join(dir, `${name}-${++windows}.cpuprofile`), JSON.stringify(result.profile))
      })
    }
  })
}
