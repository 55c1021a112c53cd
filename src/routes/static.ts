import { existsSync, stat as statCallback } from 'node:fs'
import { join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { HttpError } from '../errors.js'

/**
 * The example SPA, found from the package root: `src/routes/` and `dist/routes/` are both two levels below it, so
 * the same relative URL works from the TypeScript source and from the compiled output.
 */
export function exampleSpaDir (moduleUrl: string | URL = import.meta.url): string {
  return fileURLToPath(new URL('../../examples/spa/', moduleUrl))
}

export const EXAMPLE_SPA_DIR = exampleSpaDir()

// Not node:fs/promises, which loads readline and the file watchers with it (≈ 3 ms of every start, this module being
// in the bundle whether or not a directory is served).
const stat = promisify(statCallback)

/** The BFF's own paths: a static file or the SPA fallback must never answer below them. */
export const RESERVED_PREFIXES = ['/api', '/health', '/metrics', '/openapi.json'] as const

export interface StaticRoot {
  dir: string
  source: 'STATIC_DIR' | 'example-spa'
}

/** STATIC_DIR when set (in any environment); the example SPA outside production; otherwise nothing. */
export function staticRoot (config: Pick<Config, 'staticDir' | 'production'>, exampleDir = EXAMPLE_SPA_DIR): StaticRoot | undefined {
  if (config.staticDir !== undefined) return { dir: config.staticDir, source: 'STATIC_DIR' }
  if (config.production) return undefined
  // A checkout has it; an image or a package built from dist/ alone may not.
  if (!existsSync(join(exampleDir, 'index.html'))) return undefined
  return { dir: exampleDir, source: 'example-spa' }
}

/** Whether a decoded path is one of the prefixes or below it (`/api`, `/api/…`; not `/apiary`). */
export function isReservedPath (pathname: string, prefixes: readonly string[]): boolean {
  const lower = pathname.toLowerCase()
  return prefixes.some(prefix => {
    const p = prefix.toLowerCase()
    return lower === p || lower.startsWith(`${p}/`)
  })
}

/**
 * A request path as the file system would see it, or undefined when it is not canonical: dot segments, empty
 * segments, backslashes or NUL (before or after percent-decoding) never reach the disk, so `/../`, `/%2e%2e/`,
 * `/..%2f` and `//` cannot escape the root or dodge the reserved-prefix check.
 */
function canonicalPath (rawPath: string): string | undefined {
  let pathname: string
  try {
    pathname = decodeURIComponent(rawPath)
  } catch {
    return undefined
  }
  if (!pathname.startsWith('/') || pathname.includes('\\') || pathname.includes('\0')) return undefined
  if (posix.normalize(pathname) !== pathname || posix.normalize(rawPath) !== rawPath) return undefined
  return pathname
}

function isDotPath (pathname: string): boolean {
  return pathname.split('/').some(segment => segment.startsWith('.'))
}

/** Whether the path names a file, or a directory with an index.html, under the root. */
async function exists (root: string, pathname: string): Promise<boolean> {
  const target = join(root, pathname)
  try {
    const info = await stat(target)
    if (info.isFile()) return true
    if (!info.isDirectory()) return false
    return (await stat(join(target, 'index.html'))).isFile()
  } catch {
    return false
  }
}

function acceptsHtml (request: FastifyRequest): boolean {
  const accept = request.headers.accept
  return typeof accept === 'string' && accept.toLowerCase().includes('text/html')
}

/**
 * Serves the static root at `/`: STATIC_DIR, or the example SPA outside production. A GET for an unknown path that
 * asks for HTML gets index.html, so that an SPA's own routes (and the UI URLs Ory redirects to, `/login?flow=…`)
 * load the app; anything else unknown is the JSON 404. The BFF's own prefixes (`/.ory`, `/api`, `/health`,
 * `/metrics`, `/openapi.json`) are never answered from here, whatever the directory holds. Dotfiles are not served.
 */
export async function staticRoutes (app: FastifyInstance): Promise<void> {
  const root = staticRoot(app.config)
  if (root === undefined) return
  const reserved = [app.config.oryPathPrefix, ...RESERVED_PREFIXES]
  const csp = app.config.staticCsp
  app.log.debug({ dir: root.dir, source: root.source }, 'serving static files at /')

  // Loaded only when there is something to serve: a sidecar without STATIC_DIR in production does not pay the
  // start-up time and memory of @fastify/static and its dependencies.
  const { default: fastifyStatic } = await import('@fastify/static')
  await app.register(fastifyStatic, {
    root: root.dir,
    // Only this plugin's route serves files, through reply.sendFile: its own wildcard route would have no fallback.
    serve: false,
    dotfiles: 'ignore',
    index: ['index.html'],
    // A second guard, applied by @fastify/static to the path it finally opens.
    allowedPath: pathname => !isReservedPath(pathname, reserved) && !isDotPath(pathname),
    setHeaders (reply: FastifyReply, path: string) {
      if (!path.endsWith('.html')) return
      // STATIC_CSP, set here per file because only HTML needs it; JSON keeps the security-headers plugin's policy.
      reply.header('content-security-policy', csp)
      // The page names its scripts without a version: revalidate it (ETag) on every load.
      reply.header('cache-control', 'no-cache')
    }
  })

  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    schema: { hide: true },
    async handler (request, reply) {
      const url = request.raw.url ?? '/'
      const query = url.indexOf('?')
      const rawPath = query === -1 ? url : url.slice(0, query)
      const pathname = canonicalPath(rawPath)
      if (pathname === undefined) {
        throw new HttpError(403, 'The request path is not allowed', { reason: 'The path is not in canonical form (dot segments, empty segments, backslashes or invalid encoding).' })
      }
      if (isReservedPath(pathname, reserved)) return reply.callNotFound()
      if (!isDotPath(pathname) && await exists(root.dir, pathname)) return reply.sendFile(pathname)
      // An SPA route (or a page Ory redirects to): the app itself, which reads the path and renders it.
      if (acceptsHtml(request)) return reply.sendFile('index.html')
      return reply.callNotFound()
    }
  })
}
