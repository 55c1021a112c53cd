import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { buildTestApp } from './app.js'
import { HTML_ACCEPT, testConfig } from './config.js'

export { HTML_ACCEPT as HTML }

/** The app with the given environment on top of the test defaults (no NODE_ENV: development). */
export function staticApp (t: Test, env: Record<string, string> = {}): App {
  return buildTestApp(t, testConfig(env))
}

/** A directory of the test's own, laid out as `files` says (`sub/name.txt` makes the folder), removed at the end. */
export async function tempTree (t: Test, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-static-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true })
    await writeFile(join(dir, name), content)
  }
  return dir
}

export async function listen (app: App): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return (app.server.address() as { port: number }).port
}

export interface RawAnswer {
  status: number
  head: string
  body: string
}

/**
 * One request written byte for byte on a socket of its own: the path reaches the server exactly as given (no URL
 * parser on the way collapses `..` or decodes `%2e`, as fetch and inject would).
 */
export async function rawGet (port: number, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const socket = connect(port, '127.0.0.1')
  const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve())
    socket.once('error', reject)
  })
  const text = Buffer.concat(chunks).toString('latin1')
  const split = text.indexOf('\r\n\r\n')
  const head = split === -1 ? text : text.slice(0, split)
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)
  return { status, head, body: split === -1 ? '' : text.slice(split + 4) }
}
