import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/** Where the drawn ports start: above the ports well-known services use. */
const LOWEST = 10_000
/** Linux's default ephemeral range, when /proc does not say. */
const DEFAULT_EPHEMERAL = 32_768
const TRIES = 100

/** The lowest port of the kernel's ephemeral range, from which it picks the source ports of outgoing connections. */
function ephemeralLow (): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    return Number.isInteger(low) && low > 0 ? low : DEFAULT_EPHEMERAL
  } catch {
    return DEFAULT_EPHEMERAL
  }
}

async function canListen (port: number): Promise<boolean> {
  const server = createServer()
  const listening = await new Promise<boolean>(resolve => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => resolve(true))
  })
  if (listening) await new Promise<void>(resolve => server.close(() => resolve()))
  return listening
}

/**
 * A port on 127.0.0.1 that was free a moment ago, for a server whose own URL must be known before it starts (its
 * PUBLIC_URL, a redirect URI, a redis-server's --port). Drawn at random below the kernel's ephemeral range: a port of
 * that range (what listen(0) hands out), once freed, can be taken at once as the source port of any outgoing
 * connection on the machine, and the server meant to listen on it then fails with EADDRINUSE, as a browser test did.
 * Below the range, only another listener can take it.
 */
export async function freePort (): Promise<number> {
  const high = ephemeralLow()
  if (high - LOWEST < 1000) throw new Error(`the ephemeral port range starts at ${high}: no room below it for test servers`)
  for (let i = 0; i < TRIES; i++) {
    const port = randomInt(LOWEST, high)
    if (await canListen(port)) return port
  }
  throw new Error(`no free port between ${LOWEST} and ${high} after ${TRIES} tries`)
}
