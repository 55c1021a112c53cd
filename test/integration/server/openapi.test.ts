import { readFileSync } from 'node:fs'
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

interface OpenApiDocument {
  openapi: string
  info: { title: string, version: string }
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>
  components?: { schemas?: Record<string, unknown> }
}

t.test('/openapi.json lists every route the server adds, later features included', async t => {
  const app = buildTestApp(t, testConfig())
  const routes: string[] = []
  app.addHook('onRoute', route => {
    // Routes hidden on purpose (the static files' catch-all) are the only ones left out.
    if ((route.schema as { hide?: boolean } | undefined)?.hide === true) return
    // In OpenAPI's syntax: `:id` is `{id}`, a trailing wildcard `{*}` (as @fastify/swagger writes them).
    const url = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}')
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${url}`)
  })
  // A route as a later feature adds it, with its TypeBox schema.
  app.register(async function laterFeature (instance) {
    instance.post('/api/example', {
      schema: { body: Type.Object({ name: Type.String() }), response: { 200: Type.Object({ ok: Type.Boolean() }) } }
    }, async () => ({ ok: true }))
  })

  const res = await app.inject({ url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json<OpenApiDocument>()
  t.match(doc.openapi, /^3\.1\./)
  t.equal(doc.info.title, 'ory-bff')
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  t.equal(doc.info.version, pkg.version)

  const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map(method => `${method.toUpperCase()} ${path}`))
  t.ok(routes.length >= 5, `routes were seen: ${routes.join(', ')}`)
  t.same([...documented].sort(), [...routes].sort(), 'every route and nothing else')
  for (const route of ['GET /health/alive', 'GET /health/ready', 'GET /metrics', 'GET /openapi.json', 'POST /api/example']) {
    t.ok(documented.includes(route), `${route} is documented`)
  }

  t.ok(doc.components?.schemas?.OryErrorResponse !== undefined, 'the error shape is a named component')
  t.ok(doc.components?.schemas?.HealthStatus !== undefined)
  t.same(Object.keys(doc.paths['/health/ready']?.get?.responses ?? {}).sort(), ['200', '4XX', '5XX'])
  t.same(Object.keys(doc.paths['/api/example']?.post?.responses ?? {}).sort(), ['200', '4XX', '5XX'], 'later routes get the error shape too')
})
