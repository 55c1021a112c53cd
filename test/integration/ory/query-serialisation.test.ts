import t from 'tap'
import { createOryClient, frontend, identity, operations, relationship } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('query parameters: arrays repeat the name, booleans and numbers as text, Dates as ISO 8601', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await identity.listIdentities(client, { ids: ['a', 'b'], page_size: 250, include_credential: ['password', 'oidc'] })
  t.equal(upstream.requests[0]?.url, '/admin/identities?page_size=250&ids=a&ids=b&include_credential=password&include_credential=oidc')

  await frontend.createBrowserLoginFlow(client, { refresh: true, return_to: 'https://app.example/after?x=1&y=a b' })
  const login = new URL(upstream.requests[1]!.url, 'http://x')
  t.equal(login.searchParams.get('refresh'), 'true')
  t.equal(login.searchParams.get('return_to'), 'https://app.example/after?x=1&y=a b', 'reserved characters are encoded and come back intact')
  t.notMatch(upstream.requests[1]!.url, /after\?x=1&y=/, 'the embedded query does not leak into ours')

  await identity.listIdentitySessions(client, { id: 'i1', active: false })
  t.equal(upstream.requests[2]?.url, '/admin/identities/i1/sessions?active=false', 'false is sent, not dropped')

  // No generated parameter is typed as a Date, but the client takes them where a string goes.
  const when = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6))
  await client.call(operations.listIdentities, { credentials_identifier: when, ids: [when, 7, true] })
  t.equal(
    upstream.requests[3]?.url,
    '/admin/identities?ids=2025-01-02T03%3A04%3A05.006Z&ids=7&ids=true&credentials_identifier=2025-01-02T03%3A04%3A05.006Z'
  )
})

t.test('undefined and null parameters are left out; empty strings are kept', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { relation_tuples: [] }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await relationship.getRelationships(client, { namespace: 'Doc', object: undefined, relation: '' })
  t.equal(upstream.requests[0]?.url, '/relation-tuples?namespace=Doc&relation=')
  await client.call(operations.getRelationships, { namespace: null, 'subject_set.namespace': 'Group' })
  t.equal(upstream.requests[1]?.url, '/relation-tuples?subject_set.namespace=Group', 'dotted names are sent as they are')
})

t.test('parameters the operation does not declare are not sent', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await client.call(operations.listIdentities, { page_size: 1, admin: 'true' })
  t.equal(upstream.requests[0]?.url, '/admin/identities?page_size=1')
})
