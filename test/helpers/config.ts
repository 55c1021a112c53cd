import { Writable } from 'node:stream'
import type { Test } from 'tap'
import { buildApp, type App, type BuildAppOptions } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'

/** A valid config for tests: a real upstream on 127.0.0.1 (or a closed port), quiet logs, background probe rare. */
export function testConfig (env: Record<string, string> = {}): Config {
  return loadConfig({ ORY_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent', READY_PROBE_INTERVAL_MS: '300000', ...env })
}

export interface LogCapture {
  stream: Writable
  /** Everything written so far, as one string. */
  text: () => string
  /** Every line, parsed. */
  lines: () => Array<Record<string, unknown>>
}

export function captureLogs (): LogCapture {
  const chunks: string[] = []
  const stream = new Writable({
    write (chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString())
      callback()
    }
  })
  const text = (): string => chunks.join('')
  return {
    stream,
    text,
    lines: () => text().split('\n').filter(line => line !== '').map(line => JSON.parse(line) as Record<string, unknown>)
  }
}

/** Builds the app and closes it when the test ends. */
export function buildTestApp (t: Test, config: Config, options: BuildAppOptions = {}): App {
  const app = buildApp(config, options)
  t.teardown(async () => await app.close())
  return app
}
