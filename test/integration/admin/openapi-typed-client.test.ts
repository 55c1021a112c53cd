import type { AddressInfo } from 'node:net'
import createClient from 'openapi-fetch'
import t from 'tap'
import { ADA, adminApp, GRACE, signIn } from '../../helpers/admin.js'
import type { AdminIdentitiesPaths } from '../../helpers/admin-api-subset.js'
import { REPO } from '../../helpers/config.js'
import { generateTypes, typeCheck } from '../../helpers/openapi-types.js'

// A back-office SPA's own code, compiled against the types generated from /openapi.json: the generated `paths`
// agree with the part of them the client below is typed with, openapi-fetch accepts them, and a wrong route or a
// body without traits is a type error (so the admin routes' bodies are typed, not `unknown`).
const SPA_SOURCE = `import createClient from 'openapi-fetch'
import type { paths } from './admin-api.js'
import type { AdminIdentitiesPaths, NewIdentity } from '${REPO}test/helpers/admin-api-subset.js'

type Identities = paths['/api/admin/identities']
type Expected = AdminIdentitiesPaths['/api/admin/identities']
type Assert<T extends true> = T

export type Listed = Identities['get']['responses']['200']['content']['application/json']
export type ListAgrees = Assert<Identities['get'] extends Expected['get'] ? true : false>
export type CreateAnswersAgree = Assert<Identities['post']['responses'] extends Expected['post']['responses'] ? true : false>
export type NewIdentityAccepted = Assert<NewIdentity extends Identities['post']['requestBody']['content']['application/json'] ? true : false>

export function firstId (listed: Listed): string | undefined {
  return listed[0]?.id
}

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1' })

export async function states (): Promise<string[]> {
  const { data } = await client.GET('/api/admin/identities', { params: { query: { page_size: 20 } } })
  if (data === undefined) return []
  // @ts-expect-error: the admin API has no such route
  await client.GET('/api/admin/identity')
  // @ts-expect-error: an identity needs its traits
  await client.POST('/api/admin/identities', { body: { schema_id: 'default' } })
  return data.map(identity => identity.state ?? 'active')
}
`

t.test('the admin routes of /openapi.json make a typed client with openapi-typescript and openapi-fetch', async t => {
  const { app, config } = await adminApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const browser = await signIn(t, app, ADA)

  const documentAnswer = await fetch(`${origin}/openapi.json`)
  t.equal(documentAnswer.status, 200, 'the document is served')
  const document = await documentAnswer.json() as { paths: Record<string, unknown> }
  const adminPaths = Object.keys(document.paths).filter(path => path.startsWith('/api/admin/'))
  t.ok(adminPaths.includes('/api/admin/identities'), 'the document has the admin routes')

  const types = await generateTypes(document)
  t.match(types, /export interface paths \{/, 'openapi-typescript generated the paths')
  t.same(adminPaths.filter(path => !types.includes(`"${path}": {`)), [], 'every admin route of the document is in the types')
  t.match(types, /listIdentities: \{[\s\S]*?200: \{[\s\S]*?"application\/json": components\["schemas"\]\["identity"\]\[\];/, 'listIdentities answers identities')
  t.match(types, /createIdentity: \{[\s\S]*?requestBody: \{\s*content: \{\s*"application\/json": components\["schemas"\]\["createIdentityBody"\];/, 'createIdentity takes its body model')

  t.same(await typeCheck(t, { 'admin-api.ts': types, 'spa.ts': SPA_SOURCE }), [], 'the generated types compile with the SPA\'s code, no diagnostics')

  const client = createClient<AdminIdentitiesPaths>({
    baseUrl: origin,
    headers: { cookie: browser.jar.header(), 'x-requested-with': 'XMLHttpRequest' }
  })

  const listed = await client.GET('/api/admin/identities', { params: { query: { page_size: 20 } } })
  t.equal(listed.response.status, 200, 'listIdentities: 200')
  t.same(listed.data?.map(identity => identity.id).sort(), [ADA.id, GRACE.id].sort(), 'the seeded identities')

  const created = await client.POST('/api/admin/identities', {
    body: { schema_id: 'default', traits: { email: 'linus@example.com', name: { first: 'Linus', last: 'T' } } }
  })
  t.equal(created.response.status, 201, 'createIdentity: 201')
  t.match(created.data, { id: /^[0-9a-f-]{36}$/, schema_id: 'default', state: 'active', traits: { email: 'linus@example.com' } })
  t.equal(created.response.headers.get('location'), `${config.publicUrl}/api/admin/identities/${created.data?.id ?? ''}`, 'its Location is the admin route of the new identity')

  const again = await client.GET('/api/admin/identities', { params: { query: { credentials_identifier: 'linus@example.com' } } })
  t.same(again.data?.map(identity => identity.id), [created.data?.id], 'the new identity is listed')

  const withoutHeader = createClient<AdminIdentitiesPaths>({ baseUrl: origin, headers: { cookie: browser.jar.header() } })
  const refused = await withoutHeader.GET('/api/admin/identities')
  t.equal(refused.response.status, 403, 'without the CSRF header: 403')
  t.equal(refused.error?.error.id, 'security_csrf_violation', 'as an Ory error')
})
