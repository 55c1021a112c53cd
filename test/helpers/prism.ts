import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './upstream.js'

const require = createRequire(import.meta.url)

export interface PrismMock {
  url: string
  output: () => string
  close: () => Promise<void>
}

/**
 * Starts Stoplight Prism as a mock server of the given OpenAPI document on 127.0.0.1. Prism validates every request
 * against the document (path, parameters, body, security) and answers a non-conforming one with 400/401/422.
 */
export async function startPrism (document: unknown, args: string[] = [], startTimeoutMs = 120_000): Promise<PrismMock> {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-prism-'))
  const specPath = join(dir, 'openapi.json')
  await writeFile(specPath, JSON.stringify(document))
  const port = await freePort()
  const bin = require.resolve('@stoplight/prism-cli/dist/index.js')
  const child: ChildProcess = spawn(process.execPath, [bin, 'mock', specPath, '-h', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' }
  })
  let log = ''
  const collect = (chunk: Buffer): void => { log += chunk.toString('utf8') }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prism did not start within ${startTimeoutMs} ms:\n${log}`)), startTimeoutMs)
      const check = (): void => {
        if (log.includes('Prism is listening')) { clearTimeout(timer); resolve() }
      }
      child.stdout?.on('data', check)
      child.once('exit', code => { clearTimeout(timer); reject(new Error(`Prism exited with ${String(code)}:\n${log}`)) })
    })
  } catch (err) {
    await close()
    throw err
  }
  return { url: `http://127.0.0.1:${port}`, output: () => log, close }
}
