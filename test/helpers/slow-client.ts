import type { Socket } from 'node:net'
import type { Test } from 'tap'
import { performance } from 'node:perf_hooks'

export interface SlowResult {
  /** Whether the server closed the connection before the client gave up. */
  closed: boolean
  /** From the connection to its close (or to giving up). */
  elapsedMs: number
  received: string
}

/**
 * A slow client: writes `head`, then `drip` every `intervalMs` until the server closes the connection, or `giveUpMs`
 * have passed (then it closes it itself, and says the server did not).
 */
export async function slowSocket (socket: Socket, options: { head: string, drip: string, intervalMs: number, giveUpMs: number }): Promise<SlowResult> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const start = performance.now()
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { received += chunk })
  // A reset after the server's answer is a close like any other here.
  socket.on('error', () => {})
  socket.write(options.head)
  const drip = setInterval(() => { if (socket.writable) socket.write(options.drip) }, options.intervalMs)
  let giveUp: NodeJS.Timeout | undefined
  const closed = await Promise.race([
    new Promise<boolean>(resolve => socket.once('close', () => resolve(true))),
    new Promise<boolean>(resolve => { giveUp = setTimeout(() => resolve(false), options.giveUpMs) })
  ])
  const elapsedMs = Math.round(performance.now() - start)
  clearInterval(drip)
  clearTimeout(giveUp)
  socket.destroy()
  return { closed, elapsedMs, received }
}

/** A slow client's fate at REQUEST_TIMEOUT_MS=1000: cut well before Node's 60 s defaults, with a 408 in Ory's shape. */
export function assertCutWith408 (t: Test, result: SlowResult): void {
  t.ok(result.closed, `the server closed the connection (after ${result.elapsedMs} ms)`)
  // Far above the limit, far below the old behaviour (30 s at the least): a bound for a busy machine.
  t.ok(result.elapsedMs < 5_000, `within 5 s of the first byte (${result.elapsedMs} ms)`)
  t.match(result.received, /^HTTP\/1\.1 408 Request Timeout\r\n/, 'a 408')
  t.match(result.received, /\r\n\r\n\{"error":\{"code":408,"status":"Request Timeout",/, 'in Ory\'s error shape')
}
