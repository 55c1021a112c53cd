import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import type { App } from '../../src/app.js'
import { buildTestApp } from './app.js'
import { NO_LOAD_SHEDDING, testConfig } from './config.js'

export const PUBLIC_URL = 'https://app.example.com'

/** What a same-origin fetch of the SPA sends with a state-changing JSON call. */
export const SAME_ORIGIN = {
  origin: PUBLIC_URL,
  'sec-fetch-site': 'same-origin',
  'x-requested-with': 'XMLHttpRequest',
  'content-type': 'application/json'
}

export interface CsrfApp {
  app: App
  /** How many requests reached the route's handler. */
  handled: () => number
  post: (headers: Record<string, string>, url?: string) => Promise<LightMyRequestResponse>
}

/** The app with a state-changing route of its own under /api, which counts the requests that reach it. */
export async function csrfApp (t: Test, env: Record<string, string> = {}): Promise<CsrfApp> {
  const app = buildTestApp(t, testConfig({ PUBLIC_URL, ...NO_LOAD_SHEDDING, ...env }))
  let count = 0
  app.register(async api => {
    api.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'],
      url: '/api/test/echo',
      handler: async () => {
        count++
        return { ok: true }
      }
    })
  })
  await app.ready()
  return {
    app,
    handled: () => count,
    post: async (headers, url = '/api/test/echo') => await app.inject({ method: 'POST', url, headers, payload: '{}' })
  }
}

/** Checks a refusal: 403 in Ory's error shape, Kratos's CSRF id, and which check failed. */
export function assertCsrfRefusal (t: Test, res: LightMyRequestResponse, check: string): void {
  t.equal(res.statusCode, 403)
  t.match(res.headers['content-type'], /^application\/json/)
  const { error } = res.json()
  t.equal(error.id, 'security_csrf_violation')
  t.equal(error.code, 403)
  t.equal(error.status, 'Forbidden')
  t.match(error.message, /Cross-Site-Request-Forgery/)
  t.type(error.reason, 'string')
  t.same(error.details, { check })
  t.equal(error.request, res.headers['x-request-id'], 'the request id is quoted')
}
