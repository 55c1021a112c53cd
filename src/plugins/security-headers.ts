import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface SecurityHeadersOptions {
  /** Send HSTS: only when the browser reaches the BFF over https. */
  hsts: boolean
}

// Nothing the BFF answers itself is meant to be rendered, framed or run: JSON, Prometheus text.
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

function strictCsp (type: string): boolean {
  return type === '' || type.includes('json') || type.startsWith('text/plain')
}

/**
 * The security headers of an answer whose media type is `type`. `Cache-Control: no-store` by default: sessions,
 * health and errors must never be served from a cache. Also written by hand on the answers Node's HTTP parser
 * gives before there is a request (see plugins/errors.ts).
 */
export function securityHeaders (options: SecurityHeadersOptions, type: string): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
    ...(options.hsts ? { 'strict-transport-security': 'max-age=31536000' } : {}),
    ...(strictCsp(type) ? { 'content-security-policy': STRICT_CSP } : {})
  }
}

/**
 * Security headers on every answer, each only when the route has not set its own (a static SPA or a mirrored Ory
 * page may need a different policy).
 */
export const securityHeadersPlugin = fp(async function securityHeadersOnSend (app: FastifyInstance, options: SecurityHeadersOptions) {
  // Worked out once: the hook runs on every answer.
  const strict = Object.entries(securityHeaders(options, ''))
  const other = Object.entries(securityHeaders(options, 'application/octet-stream'))
  app.addHook('onSend', function setSecurityHeaders (_request, reply, payload, done) {
    for (const [name, value] of strictCsp(String(reply.getHeader('content-type') ?? '')) ? strict : other) {
      if (!reply.hasHeader(name)) reply.header(name, value)
    }
    done(null, payload)
  })
}, { name: 'security-headers', fastify: '5.x' })
