import { Writable } from 'node:stream'
import type { Test } from 'tap'
import { buildApp, type App, type BuildAppOptions } from '../../src/app.js'
import type { Config } from '../../src/config.js'

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

/** Builds the app, closes it when the test ends, and waits until its plugins have loaded. */
export async function readyTestApp (t: Test, config: Config, options: BuildAppOptions = {}): Promise<App> {
  const app = buildTestApp(t, config, options)
  await app.ready()
  return app
}
