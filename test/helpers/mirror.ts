import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import type { App } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js'
import { startUpstream, type RecordedRequest, type Upstream } from './upstream.js'
import { CookieJar } from './emulator.js'
import { readyTestApp } from './app.js'
import { HTML_ACCEPT, oryConfig, PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'

export { CookieJar, csrfToken, PASSWORD } from './emulator.js'

export { HTML_ACCEPT, PUBLIC_URL }

export interface EmulatorMirror {
  app: App
  emu: RunningEmulator
  config: Config
}

/**
 * The BFF in front of an emulator of the test's own on 127.0.0.1:0, whose UI is the BFF's origin (so its redirects
 * go to the SPA, and return_to on the BFF's origin is allowed).
 */
export async function mirrorOfEmulator (t: Test, env: Record<string, string> = {}, options: EmulatorOptions = {}): Promise<EmulatorMirror> {
  const publicUrl = env.PUBLIC_URL ?? PUBLIC_URL
  const emu = await startEmulator({ port: 0, uiUrl: publicUrl, passwordHashCost: PASSWORD_HASH_COST, ...options })
  t.teardown(async () => await emu.close())
  const cfg = oryConfig(emu.url, { PUBLIC_URL: publicUrl, ...env })
  return { app: await readyTestApp(t, cfg), emu, config: cfg }
}

export interface UpstreamMirror {
  app: App
  upstream: Upstream
  config: Config
  /** What the BFF sent upstream, without the readiness probes. */
  calls: () => RecordedRequest[]
}

export type UpstreamHandler = (req: RecordedRequest, res: ServerResponse, socket: Socket) => void | Promise<void>

/** The BFF in front of a small server of the test's own, which answers as the test says and records every request. */
export async function mirrorOfUpstream (t: Test, handler: UpstreamHandler, env: Record<string, string> = {}): Promise<UpstreamMirror> {
  const upstream = await startUpstream(async (req, res, socket) => {
    // The readiness probe runs in the background: it gets a healthy answer and is not the test's business.
    if (isProbe(req)) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('[]')
      return
    }
    await handler(req, res, socket)
  })
  t.teardown(upstream.close)
  const cfg = oryConfig(upstream.url, env)
  return { app: await readyTestApp(t, cfg), upstream, config: cfg, calls: () => upstream.requests.filter(req => !isProbe(req)) }
}

function isProbe (req: RecordedRequest): boolean {
  return String(req.headers['x-request-id'] ?? '').startsWith('ory-bff-readiness-')
}

/** The Set-Cookie lines of an answer, always as a list. */
export function setCookies (res: LightMyRequestResponse): string[] {
  const value = res.headers['set-cookie']
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** A cookie's attributes as the browser reads them: lower-case names, values as written. */
export function cookieAttributes (line: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of line.split(';').slice(1)) {
    const [name = '', ...value] = part.trim().split('=')
    out[name.toLowerCase()] = value.join('=')
  }
  return out
}

/**
 * A browser against the BFF through `inject`: one cookie jar, the cookies it gets stored, the ones it has sent.
 * `json` calls are what an SPA's fetch sends; `navigate` and `submitForm` what the browser does for links and forms.
 */
export class Browser {
  readonly jar = new CookieJar()
  readonly #app: App

  constructor (app: App) {
    this.#app = app
  }

  async json (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.#app.inject({
      method,
      url,
      headers: { accept: 'application/json', cookie: this.jar.header(), ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) })
    })
    this.jar.store(res.headers['set-cookie'])
    return res
  }

  async navigate (url: string): Promise<LightMyRequestResponse> {
    const res = await this.#app.inject({ method: 'GET', url, headers: { accept: HTML_ACCEPT, cookie: this.jar.header() } })
    this.jar.store(res.headers['set-cookie'])
    return res
  }

  async submitForm (url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.#app.inject({
      method: 'POST',
      url,
      headers: { accept: HTML_ACCEPT, 'content-type': 'application/x-www-form-urlencoded', cookie: this.jar.header() },
      payload: new URLSearchParams(fields).toString()
    })
    this.jar.store(res.headers['set-cookie'])
    return res
  }
}

/** A path and query of a URL the BFF wrote (absolute on PUBLIC_URL), for `inject`. */
export function pathOf (url: string, publicUrl = PUBLIC_URL): string {
  if (!url.startsWith(`${publicUrl}/`)) throw new Error(`${url} is not on ${publicUrl}`)
  return url.slice(publicUrl.length)
}
