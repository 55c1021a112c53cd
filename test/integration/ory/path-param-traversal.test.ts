import t from 'tap'
import { createOryClient, identity, OryArgumentError, project } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('a path parameter cannot climb out of or add to its path segment', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: `${upstream.url}/ory`, retry: false })
  t.teardown(async () => await client.close())

  const cases: Array<[string, string]> = [
    ['../admin', '/ory/admin/identities/..%2Fadmin'],
    ['../../sessions/whoami', '/ory/admin/identities/..%2F..%2Fsessions%2Fwhoami'],
    ['a/b', '/ory/admin/identities/a%2Fb'],
    ['a?include_credential=password', '/ory/admin/identities/a%3Finclude_credential%3Dpassword'],
    ['a#frag', '/ory/admin/identities/a%23frag'],
    ['a%2Fb', '/ory/admin/identities/a%252Fb'],
    ['a\\b', '/ory/admin/identities/a%5Cb'],
    ['spa ce', '/ory/admin/identities/spa%20ce'],
    ['...', '/ory/admin/identities/...']
  ]
  for (const [id] of cases) await identity.getIdentity(client, { id })
  t.same(upstream.requests.map(r => r.url), cases.map(([, path]) => path))
})

t.test('every path parameter of an operation is encoded', async t => {
  const upstream = await startUpstream((_req, res) => { res.writeHead(204); res.end() })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await identity.deleteIdentityCredentials(client, { id: 'x/../y', type: 'oidc', identifier: 'google:123/4' })
  t.equal(upstream.requests[0]?.url, '/admin/identities/x%2F..%2Fy/credentials/oidc?identifier=google%3A123%2F4')
})

t.test('a path parameter that is a dot segment is refused, since servers resolve it', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  for (const id of ['..', '.']) {
    const err = await identity.getIdentity(client, { id }).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof OryArgumentError, `"${id}" is refused`)
    t.equal((err as OryArgumentError).statusCode, 400)
  }
  const err = await project.getProject(client, { project_id: '..' }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryArgumentError, 'on console operations too')
  t.equal(upstream.requests.length, 0, 'nothing was sent')
})
