import t from 'tap'
import { createOryClient, identity } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

const invalid = { id: 'not-a-uuid', schema_id: 42, traits: 'x', state: 'some-state-ory-added-later', extra: { a: null } }

t.test('with validation off (the default), an off-spec body passes through unchanged', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, invalid))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const result = await identity.getIdentity(client, { id: 'x' })
  t.strictSame(result.body, invalid)
})

t.test('validateResponse: false on a call overrides a validating client', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 202, invalid))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, validateResponses: true, retry: false })
  t.teardown(async () => await client.close())

  const result = await identity.getIdentity(client, { id: 'x' }, { validateResponse: false })
  t.equal(result.status, 202, 'an undocumented status is returned too')
  t.strictSame(result.body, invalid)
})
