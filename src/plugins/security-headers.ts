import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface SecurityHeadersOptions {
  /** Send HSTS: only when the browser reaches the BFF over https. */
  hsts: boolean
}

// Nothing the BFF answers itself is meant to be rendered, framed or run: JSON, Prometheus text.
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * Security headers on every answer, each only when the route has not set its own (a static SPA or a mirrored Ory
 * page may need a different policy). `Cache-Control: no-store` by default: sessions, health and errors must never
 * be served from a cache.
 */
export const securityHeadersPlugin = fp(async function securityHeaders (app: FastifyInstance, options: SecurityHeadersOptions) {
  app.addHook('onSend', function setSecurityHeaders (_request, reply, payload, done) {
    const set = (name: string, value: string): void => {
      if (!reply.hasHeader(name)) reply.header(name, value)
    }
    set('x-content-type-options', 'nosniff')
    set('x-frame-options', 'DENY')
    set('referrer-policy', 'no-referrer')
    set('cross-origin-resource-policy', 'same-origin')
    set('cache-control', 'no-store')
    if (options.hsts) set('strict-transport-security', 'max-age=31536000')
    const type = String(reply.getHeader('content-type') ?? '')
    if (type === '' || type.includes('json') || type.startsWith('text/plain')) set('content-security-policy', STRICT_CSP)
    done(null, payload)
  })
}, { name: 'security-headers', fastify: '5.x' })
